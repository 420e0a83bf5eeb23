/**
 * Moving a VM's failover block as a step of its migration or of a maintenance (area `ovhMoves` of
 * shared/messages/catalog.ts); the French is in src/renderer/src/i18n/ovh-moves.fr.ts.
 */
export const OVH_MOVE_TEXTS = {
  failed: "{{vm}}'s failover block {{block}} did not move to {{to}}: {{reason, message}}",
  failedHint:
    '{{vm}} was not migrated: it still runs where it was. Fix what OVH says, then migrate again (or migrate without moving the block).',
  failedParallelHint:
    '{{vm}} may run on {{to}} while {{block}} still routes to its old server: move the block from the failover IP view, or OVH drops its traffic.',
  unfollowed:
    "Stopped following OVH's move of {{vm}}'s block {{block}} to {{to}}: OVH may still carry it out.",
  unfollowedHint:
    'Look at {{block}} in the failover IP view (or the OVH manager) before acting again: the move may still happen.',
  noFailoverIp: '{{vm}} has no failover IP in its settings: there is no block to move.',
  notInBlock: "{{ip}} ({{vm}}'s failover IP) is not in the block {{block}}: refresh the sheet.",
  othersUnconfirmed:
    'Moving {{block}} also moves the addresses of {{others, list}}: confirm it in the sheet to move the block.',
  othersHint: 'Those VMs lose their route unless they run on {{to}} too.',
  movedThenFailed:
    '{{block}} was moved to {{to}} before the migration of {{vm}} failed: {{vm}} still runs on {{from}}. Migrate again, or move the block back to {{from}}.',
  maintenanceFailed:
    'Maintenance of {{host}} stopped at {{vm}}: its failover block {{block}} did not move to {{to}}, so {{vm}} was not migrated and still runs on {{host}}. Fix what OVH says, then resume (or abort and move the block by hand).',
  maintenanceNotPlanned:
    '{{vm}} is not among the VMs this maintenance of {{host}} migrates: refresh the sheet.',
  maintenanceNotMovable:
    "{{vm}}'s failover block {{block}} cannot be moved to {{to}} by the app (see the plan): move it in the OVH manager, or start without moving it from here.",
} as const
