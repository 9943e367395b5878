"""A QR code drawn on the server (``services.qr_image``, inline SVG), shown as one named image."""

import reflex as rx

QR_STYLE = {"& svg": {"width": "100%", "height": "auto", "display": "block", "shapeRendering": "crispEdges"}}


def qr_image(svg: rx.Var[str], label: str, qr_id: str, size: str) -> rx.Component:
    """``svg`` is markup the server drew from its own data (never anything typed); ``label`` names it for
    screen readers, since the picture itself says nothing to them."""
    return rx.box(rx.html(svg), role="img", aria_label=label, id=qr_id, width=size, max_width="100%",
                  style=QR_STYLE, class_name="qr-image")
