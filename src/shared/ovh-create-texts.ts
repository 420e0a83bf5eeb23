/**
 * Creating a VM with a failover IP through OVH (issue 20 item 4): the pre-checks of the chosen IP, the
 * job's steps (reusing or creating its virtual MAC, OVH's task) and its refusals (area `ovhCreate` of
 * shared/messages/catalog.ts); the French is in src/renderer/src/i18n/ovh-create.fr.ts.
 */
export const OVH_CREATE_TEXTS = {
  notConfigured: 'OVH access is not configured, so the app cannot create the virtual MAC of {{ip}}.',
  notConfiguredHint:
    'Enter the OVH credentials in the OVH settings (kept in the OS keychain) or write them to ~/.ovh.conf (chmod 600); or choose “type the virtual MAC” with the MAC made in the OVH manager.',
  unreadable: 'OVH did not answer about {{ip}}: {{error, message}}',
  hostUnmapped:
    '{{host}} has no OVH service name (ovhServiceName) in the cluster file: the app cannot tell OVH which server the VM runs on.',
  ipUnknown: '{{ip}} is in no failover block of this OVH account.',
  routed: "{{ip}}'s block {{block}} routes to {{server}}, the server of {{host}}.",
  elsewhere:
    "{{ip}}'s block {{block}} routes to {{server}}, not to {{hostServer}} ({{host}}): move the block to {{host}}'s server first, or create the VM on the host its block routes to.",
  startElsewhere:
    '{{ip}} routes to {{host}}, but the VM would start on {{startOn}}: OVH drops its traffic there. Start it on {{host}}.',
  claimed:
    '{{ip}} is already claimed by {{vms, list}} (its settings): two VMs with one address cut each other off.',
  duplicate:
    '{{ip}} has several virtual MACs ({{macs, list}}): remove the extra ones in the OVH manager before a VM uses it.',
  macUsed: "{{ip}}'s virtual MAC {{mac}} is already used by {{vm}} on {{hosts, list}}: one MAC, one VM.",
  reuse: '{{ip}} already has the virtual MAC {{mac}} on {{server}}: the new VM uses it.',
  create: '{{ip}} has no virtual MAC on {{server}}: the job creates one (type ovh) and follows OVH’s task.',
  // the job's steps
  reusing: 'Using the virtual MAC {{mac}} that {{ip}} already has on {{server}}',
  creating: 'Asking OVH for a virtual MAC for {{ip}} on {{server}}',
  created: 'OVH made the virtual MAC {{mac}} for {{ip}} on {{server}} (task {{task}}, {{ms, duration}})',
  // its failures
  failed:
    'OVH did not make a virtual MAC for {{ip}} on {{server}}: {{reason, message}} Nothing was created: no image, no definition.',
  taskCancelled: 'OVH cancelled its task {{task}}.',
  // OVH's comment on its task is the message's detail, shown as OVH wrote it.
  taskCustomerError: 'OVH refused the request (task {{task}}).',
  taskOvhError: 'OVH failed on its side (task {{task}}).',
  failedHint: 'Fix what OVH says and create again, or type a virtual MAC made in the OVH manager.',
  ovhErrorHint: 'Try again later, or open a ticket with OVH quoting task {{task}}.',
  unfollowed:
    'Stopped following OVH’s task {{task}} for {{ip}}: OVH may still make the virtual MAC. Nothing was created: no image, no definition.',
  unfollowedHint: 'Creating the VM again reuses the virtual MAC once OVH has made it.',
  vanished: 'OVH’s task {{task}} ended done but {{server}} lists no virtual MAC for {{ip}}.',
  macTaken: 'The virtual MAC {{mac}} OVH made for {{ip}} is already used by {{vm}} on {{host}}.',
  keptAfterFailure: 'The virtual MAC {{mac}} of {{ip}} stays at OVH: creating the VM again reuses it.',
} as const
