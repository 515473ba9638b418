print("sklog-grep")
