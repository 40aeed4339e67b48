from services.notify.main import main

main()
