/**
 * The failover IP view's badges in English (area `failoverBadges` of shared/messages/catalog.ts); the
 * French is in src/renderer/src/i18n/ovh.fr.ts.
 */
export const FAILOVER_BADGE_TEXTS = {
  routedElsewhere:
    '{{vm}} runs on {{host}} but {{ip}} routes to {{server}}: move the block to {{hostServer}} or OVH drops its traffic.',
  claimedTwice: '{{ip}} is claimed by {{vms}}: two VMs with one address cut each other off.',
  macMismatch:
    "{{ip}}'s virtual MAC is {{mac}} but {{vm}}'s NIC has {{nicMacs}}: OVH drops frames from any other MAC.",
  noVirtualMac: '{{ip}} has no virtual MAC on {{server}}: create one (type ovh) before the VM uses it.',
  firewallMissing: "{{ip}} is missing from {{hosts}}'s firewall (IPS_FAILOVER): the VM is unreachable there.",
  duplicateMac:
    '{{addresses}} has duplicate virtual MACs ({{macs}}): OVH refuses to move the block {{ip}} while they exist.',
  unmappedServer: '{{ip}} routes to {{server}}, which no host of the cluster file maps to (ovhServiceName).',
} as const
