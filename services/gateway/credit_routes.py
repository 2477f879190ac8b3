"""The gateway's routes for credit and points (道德银行、积分超市、诚信): a mixin of GatewayService, entrypoints only."""


class CreditRoutes:
    pass
