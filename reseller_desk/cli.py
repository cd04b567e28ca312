def main(argv=None) -> int:  # replaced below in this issue
    return 0
