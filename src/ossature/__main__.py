from ossature.runtime.cli import main

main()
