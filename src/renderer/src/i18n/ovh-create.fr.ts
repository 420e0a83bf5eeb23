import type { MessageCatalog } from '../../../shared/messages/message'

/** Créer une VM avec une IP failover par OVH, en français (shared/ovh-create-texts.ts). */
export const ovhCreateFr: MessageCatalog['ovhCreate'] = {
  notConfigured:
    'L’accès à OVH n’est pas configuré : l’application ne peut pas créer la MAC virtuelle de {{ip}}.',
  notConfiguredHint:
    'Saisissez les identifiants OVH dans les réglages OVH (gardés dans le trousseau du système) ou écrivez-les dans ~/.ovh.conf (chmod 600) ; ou choisissez « saisir la MAC virtuelle » avec la MAC créée dans le manager OVH.',
  unreadable: 'OVH n’a pas répondu pour {{ip}} : {{error, message}}',
  hostUnmapped:
    '{{host}} n’a pas de nom de service OVH (ovhServiceName) dans le fichier du cluster : l’application ne peut pas dire à OVH sur quel serveur tourne la VM.',
  ipUnknown: '{{ip}} n’appartient à aucun bloc failover de ce compte OVH.',
  routed: 'Le bloc {{block}} de {{ip}} est routé vers {{server}}, le serveur de {{host}}.',
  elsewhere:
    'Le bloc {{block}} de {{ip}} est routé vers {{server}}, pas vers {{hostServer}} ({{host}}) : déplacez d’abord le bloc vers le serveur de {{host}}, ou créez la VM sur l’hôte vers lequel son bloc est routé.',
  startElsewhere:
    '{{ip}} est routée vers {{host}}, mais la VM démarrerait sur {{startOn}} : OVH y couperait son trafic. Démarrez-la sur {{host}}.',
  claimed:
    '{{ip}} est déjà revendiquée par {{vms, list}} (ses réglages) : deux VM avec la même adresse se coupent l’une l’autre.',
  duplicate:
    '{{ip}} a plusieurs MAC virtuelles ({{macs, list}}) : supprimez celles en trop dans le manager OVH avant qu’une VM l’utilise.',
  macUsed:
    'La MAC virtuelle {{mac}} de {{ip}} est déjà utilisée par {{vm}} sur {{hosts, list}} : une MAC, une VM.',
  reuse: '{{ip}} a déjà la MAC virtuelle {{mac}} sur {{server}} : la nouvelle VM l’utilise.',
  create:
    '{{ip}} n’a pas de MAC virtuelle sur {{server}} : la tâche en crée une (type ovh) et suit la tâche OVH.',
  reusing: 'Utilisation de la MAC virtuelle {{mac}} que {{ip}} a déjà sur {{server}}',
  creating: 'Demande à OVH d’une MAC virtuelle pour {{ip}} sur {{server}}',
  created:
    'OVH a créé la MAC virtuelle {{mac}} pour {{ip}} sur {{server}} (tâche {{task}}, {{ms, duration}})',
  failed:
    'OVH n’a pas créé de MAC virtuelle pour {{ip}} sur {{server}} : {{reason, message}} Rien n’a été créé : ni image, ni définition.',
  taskCancelled: 'OVH a annulé sa tâche {{task}}.',
  taskCustomerError: 'OVH a refusé la demande (tâche {{task}}).',
  taskOvhError: 'OVH a échoué de son côté (tâche {{task}}).',
  failedHint:
    'Corrigez ce que dit OVH et relancez la création, ou saisissez une MAC virtuelle créée dans le manager OVH.',
  ovhErrorHint: 'Réessayez plus tard, ou ouvrez un ticket chez OVH en citant la tâche {{task}}.',
  unfollowed:
    'Suivi de la tâche OVH {{task}} arrêté pour {{ip}} : OVH peut encore créer la MAC virtuelle. Rien n’a été créé : ni image, ni définition.',
  unfollowedHint: 'Relancer la création réutilise la MAC virtuelle une fois qu’OVH l’a créée.',
  vanished:
    'La tâche OVH {{task}} s’est terminée (done) mais {{server}} n’a aucune MAC virtuelle pour {{ip}}.',
  macTaken: 'La MAC virtuelle {{mac}} créée par OVH pour {{ip}} est déjà utilisée par {{vm}} sur {{host}}.',
  keptAfterFailure:
    'La MAC virtuelle {{mac}} de {{ip}} reste chez OVH : relancer la création de la VM la réutilise.',
}
