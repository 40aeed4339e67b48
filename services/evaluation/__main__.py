from services.evaluation.main import main

main()
