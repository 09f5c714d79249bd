from ossature.cli import main

main()
