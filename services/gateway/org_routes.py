"""The gateway's routes for party organisation (党组织): a mixin of GatewayService, entrypoints only."""


class OrgRoutes:
    pass
