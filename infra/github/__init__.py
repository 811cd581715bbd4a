"""Reading GitHub's REST API: the client and the repository reader."""
