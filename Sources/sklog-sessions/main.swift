print("sklog-sessions")
