"""The ward's open datasets we use (metadata for attribution) and the wide-area evacuation sites."""
