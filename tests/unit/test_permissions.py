from marketplace.permissions import Permission, Role, has_permission


def test_jobseekers_apply_but_do_not_manage_vacancies():
    assert has_permission(Role.JOBSEEKER, Permission.APPLICATION_CREATE)
    assert not has_permission(Role.JOBSEEKER, Permission.VACANCY_MANAGE)


def test_hiring_staff_cannot_moderate_their_own_listings():
    assert has_permission(Role.HIRING_STAFF, Permission.VACANCY_MANAGE)
    assert not has_permission(Role.HIRING_STAFF, Permission.MODERATION_VACANCY_DECIDE)


def test_admins_can_do_what_moderators_can():
    assert has_permission(Role.ADMIN, Permission.MODERATION_VACANCY_DECIDE)


def test_unknown_or_missing_roles_carry_nothing():
    assert not has_permission("superuser", Permission.ACCOUNT_MANAGE)
    assert not has_permission(None, Permission.ACCOUNT_MANAGE)


def test_only_hiring_staff_search_candidates():
    assert has_permission(Role.HIRING_STAFF, Permission.CANDIDATES_SEARCH)
    assert not has_permission(Role.JOBSEEKER, Permission.CANDIDATES_SEARCH)
    assert not has_permission(Role.MODERATOR, Permission.CANDIDATES_SEARCH)
