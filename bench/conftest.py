# The bench suite takes minutes and reads a large corpus: pytest never collects it.
collect_ignore_glob = ["*"]
