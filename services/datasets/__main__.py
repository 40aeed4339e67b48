from services.datasets.main import main

main()
