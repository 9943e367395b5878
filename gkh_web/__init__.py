"""gkh_web — оплата жилищно-коммунальных услуг через ГИС ЖКХ.

The package is layered: ``domain`` (pure Python) ← ``db`` and ``services`` ←
``state`` ← ``components`` / ``pages``. This file imports nothing, so the
``gkh`` command line tool can load the lower layers without Reflex.
"""
