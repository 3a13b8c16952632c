pytest_plugins = ["notesite.pytest_plugin"]
