import type { MessageCatalog } from '../../../shared/messages/message'

/** A maintenance's step messages in French (English: shared/messages/maintenance-steps.ts). */
export const maintenanceStepsFr: MessageCatalog['maintenanceSteps'] = {
  blockNotMoved:
    '{{vm}} ne tourne plus ni sur {{host}} ni sur {{to}} : son bloc {{block}} n’a pas été déplacé.',
  noOvhAccess:
    'Cette application n’a pas d’accès à OVH pour déplacer {{block}} : configurez OVH, puis reprenez.',
  ovhTask: 'Tâche OVH {{task}} : {{status}}',
  blockMoved: '{{block}} est maintenant routé vers {{to}} ({{service}}, tâche OVH {{task}}).',
  blockAlreadyThere: '{{block}} est déjà routé vers {{to}} ({{service}}) : rien à déplacer.',
  stoppedHere: 'Arrêtée ici (annulation) : reprenez pour relancer cette étape.',
  abortedHere: 'Abandonnée ici.',
  alreadyOn: '{{vm}} tourne déjà sur {{to}}.',
  noLongerOn: '{{vm}} ne tourne plus sur {{host}} (elle tourne sur {{where}}) : rien à migrer.',
  noLongerRunning: '{{vm}} ne tourne plus sur {{host}} (elle est arrêtée) : rien à migrer.',
  migrated: '{{vm}} migrée de {{host}} vers {{to}} en {{seconds}} s.',
  nooutAlready: 'noout était déjà posé par cette maintenance.',
  nooutSetOn: '{{command}} (sur {{on}}). {{reason, message}}',
  nooutClusterWide:
    '{{command}} (sur {{on}}) : ce Ceph n’a pas osd set-group, noout est donc posé pour tout le cluster.',
  nooutNotSet: 'noout n’a pas été posé par cette maintenance.',
  nooutUnsetOn: '{{command}} sur {{on}}.',
  rebootSent: 'Commande de redémarrage envoyée ({{command}}) ; attente que {{host}} s’arrête puis revienne.',
  rebootNow:
    'Redémarrez {{host}} maintenant (ses VM sont parties et noout est posé). Attente que {{host}} s’arrête puis revienne.',
  wentOffline: '{{host}} est hors ligne ({{status}}) ; attente de son retour.',
  rebooted: '{{host}} a redémarré (nouvel identifiant de démarrage) et est de nouveau en ligne.',
  notRebootedYet:
    '{{host}} n’a jamais été vu hors ligne et son identifiant de démarrage n’a pas changé : il n’a pas encore redémarré. Redémarrez-le, puis confirmez à nouveau.',
  pgsClean: 'Les {{total}} PG sont active+clean, {{up}}/{{all}} OSD en service (lu sur {{on}}).',
  waitingCeph: 'Attente de Ceph : {{up}}/{{all}} OSD en service ; PG : {{states}}.',
  waitingCephNoPgs: 'Attente de Ceph : {{up}}/{{all}} OSD en service ; PG : aucun signalé.',
}
