"""The gateway's routes for petitions (信访): a mixin of GatewayService, entrypoints only."""


class PetitionRoutes:
    pass
