"""Identity: accounts, passwords, sessions, access tokens, invitations and one-time tokens,
personal access tokens, service accounts and their API keys.

This table is the module: its commands (one file each under `commands/`), event types and
projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import (
    Anyone,
    AnyScope,
    AtFolder,
    CommandSpec,
    Module,
    Public,
    QuerySpec,
)
from ossature.modules.access.commands.assign_role import RoleAssigned
from ossature.modules.identity import events
from ossature.modules.identity.commands import (
    accept_invitation,
    change_password,
    complete_log_in,
    confirm_totp,
    create_api_key,
    create_personal_access_token,
    create_service_account,
    deactivate_account,
    disable_totp,
    enroll_totp,
    forget_account,
    invite_account,
    log_in,
    log_out,
    refresh_session,
    register_account,
    request_email_verification,
    request_password_reset,
    reset_password,
    revoke_api_key,
    revoke_personal_access_token,
    set_my_locale,
    start_impersonation,
    verify_email,
)
from ossature.modules.identity.mails import MAILS
from ossature.modules.identity.projections import ACCOUNTS
from ossature.modules.identity.queries import (
    GetMyAccount,
    ListAccounts,
    ListPersonalAccessTokens,
    get_my_account,
    list_accounts,
    list_personal_access_tokens,
)
from ossature.modules.identity.throttle import LogInsThrottled

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [
    events.AccountRegistered,
    events.PasswordSet,
    events.EmailVerified,
    events.SessionsEnded,
    events.TokenUsed,
    log_in.UserLoggedIn,
    log_out.UserLoggedOut,
    refresh_session.SessionRefreshed,
    set_my_locale.LocaleSet,
    enroll_totp.TotpEnrolled,
    confirm_totp.TotpConfirmed,
    disable_totp.TotpDisabled,
    complete_log_in.MfaChallengePassed,
    invite_account.AccountInvited,
    request_email_verification.EmailVerificationRequested,
    request_password_reset.PasswordResetRequested,
    request_password_reset.PasswordResetUnmatched,
    LogInsThrottled,
    deactivate_account.AccountDeactivated,
    events.AccountForgotten,
    start_impersonation.ImpersonationStarted,
    create_personal_access_token.PersonalAccessTokenCreated,
    revoke_personal_access_token.PersonalAccessTokenRevoked,
    create_service_account.ServiceAccountCreated,
    create_api_key.ApiKeyCreated,
    revoke_api_key.ApiKeyRevoked,
]

MODULE = Module(
    name="identity",
    commands=[
        CommandSpec(
            "register-account",
            register_account.RegisterAccount,
            register_account.register_account,
            AnyScope("accounts.create"),
        ),
        CommandSpec(
            "log-in",
            log_in.LogIn,
            log_in.log_in,
            Public(),
            ("accessToken", "mfaToken", "refreshToken"),
        ),
        CommandSpec(
            "complete-log-in",
            complete_log_in.CompleteLogIn,
            complete_log_in.complete_log_in,
            Public(),
            ("accessToken", "refreshToken"),
        ),
        CommandSpec(
            "refresh-session",
            refresh_session.RefreshSession,
            refresh_session.refresh_session,
            Public(),
            ("accessToken", "refreshToken"),
        ),
        CommandSpec("log-out", log_out.LogOut, log_out.log_out, Anyone()),
        CommandSpec(
            "set-my-locale", set_my_locale.SetMyLocale, set_my_locale.set_my_locale, Anyone()
        ),
        CommandSpec(
            "enroll-totp",
            enroll_totp.EnrollTotp,
            enroll_totp.enroll_totp,
            Anyone(),
            ("secret", "otpauthUri"),
        ),
        CommandSpec(
            "confirm-totp",
            confirm_totp.ConfirmTotp,
            confirm_totp.confirm_totp,
            Anyone(),
            ("recoveryCodes",),
        ),
        CommandSpec("disable-totp", disable_totp.DisableTotp, disable_totp.disable_totp, Anyone()),
        CommandSpec(
            "invite-account",
            invite_account.InviteAccount,
            invite_account.invite_account,
            AtFolder("accounts.create", invite_account.folder_of_invitation),
        ),
        CommandSpec(
            "accept-invitation",
            accept_invitation.AcceptInvitation,
            accept_invitation.accept_invitation,
            Public(),
        ),
        CommandSpec(
            "request-email-verification",
            request_email_verification.RequestEmailVerification,
            request_email_verification.request_email_verification,
            Anyone(),
        ),
        CommandSpec(
            "verify-email",
            verify_email.VerifyEmail,
            verify_email.verify_email,
            Public(),
            ("email",),  # the person's address: answered, never kept (decision 93)
        ),
        CommandSpec(
            "request-password-reset",
            request_password_reset.RequestPasswordReset,
            request_password_reset.request_password_reset,
            Public(),
        ),
        CommandSpec(
            "reset-password",
            reset_password.ResetPassword,
            reset_password.reset_password,
            Public(),
        ),
        CommandSpec(
            "change-password",
            change_password.ChangePassword,
            change_password.change_password,
            Anyone(),
        ),
        CommandSpec(
            "deactivate-account",
            deactivate_account.DeactivateAccount,
            deactivate_account.deactivate_account,
            AnyScope("accounts.deactivate"),
        ),
        CommandSpec(
            "forget-account",
            forget_account.ForgetAccount,
            forget_account.forget_account,
            Anyone(),  # one's own; another's with accounts.deactivate (the handler checks)
        ),
        CommandSpec(
            "start-impersonation",
            start_impersonation.StartImpersonation,
            start_impersonation.start_impersonation,
            AnyScope("platform.impersonate"),
            ("accessToken",),
        ),
        CommandSpec(
            "create-personal-access-token",
            create_personal_access_token.CreatePersonalAccessToken,
            create_personal_access_token.create_personal_access_token,
            Anyone(),
            ("token",),
        ),
        CommandSpec(
            "revoke-personal-access-token",
            revoke_personal_access_token.RevokePersonalAccessToken,
            revoke_personal_access_token.revoke_personal_access_token,
            Anyone(),
        ),
        CommandSpec(
            "create-service-account",
            create_service_account.CreateServiceAccount,
            create_service_account.create_service_account,
            AtFolder(
                "service-accounts.create", create_service_account.folder_of_new_service_account
            ),
        ),
        CommandSpec(
            "create-api-key",
            create_api_key.CreateApiKey,
            create_api_key.create_api_key,
            AtFolder("api-keys.create", create_api_key.folder_of_service_account),
            ("apiKey",),
        ),
        CommandSpec(
            "revoke-api-key",
            revoke_api_key.RevokeApiKey,
            revoke_api_key.revoke_api_key,
            AtFolder("api-keys.revoke", revoke_api_key.folder_of_key),
        ),
    ],
    queries=[
        QuerySpec("list-accounts", ListAccounts, list_accounts, AnyScope("accounts.read")),
        QuerySpec("get-my-account", GetMyAccount, get_my_account, Anyone()),
        QuerySpec(
            "list-personal-access-tokens",
            ListPersonalAccessTokens,
            list_personal_access_tokens,
            Anyone(),
        ),
    ],
    events=EVENTS,
    appends=[RoleAssigned],  # accept-invitation assigns the invitation's role, as assign-role
    projections=[ACCOUNTS],
    mails=MAILS,
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
