"""`yoc check`: what is wrong with this installation, one finding per line, each saying
what to do. It reads the settings as the app would, then tries every service they name
(the database and its migrations, SMTP, Redis) with a short timeout. It changes nothing."""
