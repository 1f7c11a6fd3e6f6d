"""Search index plugin (placeholder until the index builder lands)."""


def register():
    pass
