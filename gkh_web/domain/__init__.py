"""Предметная область: деньги, идентификаторы ЖКХ, карты, даты, QR, начисления.

Pure Python with no Reflex or database imports, so every rule here can be
unit-tested in isolation and reused by the database, service and UI layers.
Money is always an ``int`` number of kopecks, as in ГИС ЖКХ payment messages.
"""
