from services.training.main import main

main()
