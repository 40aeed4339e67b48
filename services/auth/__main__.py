from services.auth.main import main

main()
