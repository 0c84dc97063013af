"""The top layer: the app factory, the JSON API's registration and the commands that start processes."""
