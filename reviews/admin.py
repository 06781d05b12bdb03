# Evaluations are deliberately not in the admin site: the administrator manages users, organisations and
# settings, not personnel ratings (domain.md §2).
