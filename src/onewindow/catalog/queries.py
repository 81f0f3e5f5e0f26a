def guide_overview():
    return {}
