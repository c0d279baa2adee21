"""rusmonitor: follow-up warehouse for Opptrappingsplanen for rusfeltet."""
