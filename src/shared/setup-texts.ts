/**
 * The cluster file's first run and later edits (issue 21 item 2), in English with {{placeholders}}:
 * refusals of config.save and what the ~/.ssh/config import found. French: i18n/setup.fr.ts.
 */
export const SETUP_TEXTS = {
  hostBusy:
    '{{host}} cannot be removed from the cluster file: “{{job}}” is running on it. Wait for it to end (or cancel it in Operations), then remove the host.',
  hostInMaintenance:
    '{{host}} cannot be removed from the cluster file: it is in maintenance. Finish or abandon the maintenance first.',
  removeHint: 'Nothing was written: the cluster file is as it was.',
  sshConfigMissing: 'There is no {{file}}: nothing to import. Fill in the hosts by hand.',
  sshConfigEmpty: '{{file}} names no host (only patterns such as “Host *”): fill in the hosts by hand.',
} as const
