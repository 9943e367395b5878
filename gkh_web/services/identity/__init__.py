"""Who the resident is: residents and their sessions, ЕСИА as a relying party, the user agreement."""
