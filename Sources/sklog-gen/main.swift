print("sklog-gen")
