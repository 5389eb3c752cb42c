def team_has_member(team, user) -> bool:
    return team.memberships.filter(user=user).exists()
