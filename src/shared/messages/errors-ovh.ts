/**
 * The errors of OVH's API and credentials (ovh/*.ts, services/ovh.ts): the `ovhErrors` area. What
 * OVH answered in its own words (its message, a task's comment) travels as the message's detail.
 * French: src/renderer/src/i18n/errors-ovh.fr.ts.
 */
export const OVH_ERROR_TEXTS = {
  notConfigured:
    'No OVH credentials: none in the environment (OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY), in {{files, list}} nor in the OS keychain.',
  notUsable: 'No usable OVH credentials: {{problems, messages}}',
  notConfiguredHint:
    'Enter them in the OVH settings (kept in the OS keychain), or write them to ~/.ovh.conf (chmod 600) as OVH’s own tools expect, with a consumer key limited to the access rules Hyperdesk lists.',
  hostUnmapped:
    '{{host}} has no OVH service name (ovhServiceName) in the cluster file: the app cannot tell OVH which server it is.',
  hostUnmappedHint:
    'Set {{host}}’s OVH service name (ns…ip-…eu, as the OVH manager shows it) in the host settings.',
  ipUnknown: '{{ip}} is in no failover block of this OVH account.',
  ipUnknownRefreshHint: 'Refresh the failover IP view: the block may have been removed.',
  ipUnknownCheckHint: 'Check the address, or the OVH account in ovh.conf.',
  taskEnded: 'OVH’s task {{taskId}} ({{task}}) on {{service}} ended {{status}}.',
  taskCustomerErrorHint: 'OVH says the request itself is wrong: read its comment.',
  taskOvhErrorHint: 'OVH failed on its side: try again later or open a ticket with OVH quoting the task id.',
  taskCancelledHint: 'The task was cancelled at OVH.',
  ipElsewhere:
    '{{ip}}’s block {{block}} routes to {{routedTo}}, not {{service}}: a virtual MAC is created on the server the IP routes to.',
  ipNowhere:
    '{{ip}}’s block {{block}} routes to no server, not {{service}}: a virtual MAC is created on the server the IP routes to.',
  ipElsewhereHint: 'Move the block to {{service}} first, or create the VM on the host whose server has it.',
  vmacMissing: 'OVH’s task {{taskId}} ended done but {{service}} lists no virtual MAC for {{ip}}.',
  vmacMissingHint: 'Look at the server’s virtual MACs in the OVH manager.',
  unfollowed: 'Stopped following OVH’s task {{taskId}}: OVH may still carry it out.',
  unfollowedNoId: 'Stopped following OVH’s task: OVH may still carry it out.',
  unfollowedHint: 'Look at the IP in the failover IP view (or the OVH manager) before acting again.',
  badTime: 'OVH’s /auth/time answered {{answer}}, not a time.',
  unreachable: 'Could not reach OVH’s API at {{url}} for {{method}} {{path}}.',
  unreachableHint: 'Check this computer’s internet access and the endpoint in ovh.conf.',
  httpRefused: 'OVH refused {{method}} {{path}} (HTTP {{status}}).',
  http400Hint: 'OVH refused the request as it stands: read its message.',
  http401Hint: 'OVH does not know this application key or consumer key.',
  http403Hint:
    'The consumer key lacks this access rule, has expired, or its signature/clock is wrong: create a key with the rules Hyperdesk lists.',
  http404Hint: 'OVH does not know this IP, server or MAC on this account.',
  http409Hint:
    'OVH is already doing something on this IP or server: wait for its task to end, then try again.',
  httpOtherHint: 'Try again later; if it persists, look at OVH’s status page.',
  endpointUnknown: 'Unknown OVH endpoint {{endpoint}}: use one of {{endpoints, list}}.',
  endpointUnknownHint: 'Choose ovh-eu, ovh-ca or ovh-us (or kimsufi/soyoustart).',
  keychainBrowserMode: 'Browser mode has no OS keychain: Hyperdesk does not keep OVH credentials there.',
  keychainPlainText:
    'The OS keychain is not available (Electron’s safeStorage would store the secrets in plain text, backend {{backend}}): Hyperdesk refuses to keep them that way.',
  keychainUnavailable:
    'The OS keychain is not available (Electron safeStorage cannot encrypt on this session).',
  keychainBrowserModeHint:
    'Write them to ~/.ovh.conf (chmod 600) or the OVH_* environment variables, or enter them in the desktop app.',
  keychainHint:
    'Start a keyring (GNOME Keyring or KWallet) in this session and try again, or write the credentials to ~/.ovh.conf (chmod 600).',
  keychainUnreadable: 'The OS keychain could not decrypt the OVH credentials in {{file}}.',
  keychainUnreadableHint:
    'Unlock the keyring of this session, or forget the stored credentials and enter them again.',
  consumerKeyNone:
    'No consumer key to save: type one, or ask OVH for one first (step 1) with this endpoint and application key.',
  confUnreadable: '{{file}} exists but cannot be read ({{reason}}): it is ignored.',
  confPermissions:
    '{{file}} holds OVH secrets and is readable by other users (mode {{mode}}): it is ignored. Run: chmod 600 {{file}}',
  credentialsIncomplete:
    'OVH credentials for {{endpoint}} lack {{missing, list}} (looked in the environment and {{files, list}}).',
} as const
