"""Work every backend worker does beside serving tabs: lifespan tasks registered in ``gkh_web.gkh_web``."""
