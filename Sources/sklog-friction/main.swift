print("sklog-friction")
