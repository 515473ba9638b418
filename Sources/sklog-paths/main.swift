print("sklog-paths")
