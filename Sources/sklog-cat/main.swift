print("sklog-cat")
