"""IATI 2.03 activity XML export of programs (placeholder, filled below)."""
def iati_activities_xml(programs) -> bytes:
    raise NotImplementedError
