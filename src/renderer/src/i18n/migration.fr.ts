import type { migrationEn } from './migration.en'

export const migrationFr: typeof migrationEn = {
  migration: {
    title: 'Migrer {{name}} de {{from}} vers {{to}}',
    close: 'Fermer',
    stepFailover: 'Basculer d’abord l’IP failover',
    failoverDone:
      'J’ai basculé l’IP failover {{ip}} vers {{to}} dans la console OVH (Serveurs dédiés › IP › Basculer), et attendu que ce soit effectif : cela peut prendre plus de 5 minutes.',
    noFailover: 'Aucune IP failover n’est enregistrée pour cette VM : rien à basculer.',
    ovhAsking: 'Interrogation d’OVH sur le routage du bloc de l’IP failover…',
    ovhUnconfigured:
      'OVH n’est pas configuré dans Hyperdesk : l’application ne peut pas déplacer le bloc. Ajoutez les identifiants dans les réglages OVH (gardés dans le trousseau du système) ou dans ~/.ovh.conf (chmod 600), comme les outils d’OVH les lisent. En attendant, déplacez-le à la main :',
    ovhNoBlock:
      'OVH ne liste aucun bloc failover contenant {{ip}} sur ce compte : vérifiez la vue des IP failover, ou déplacez-la à la main :',
    ovhAlready: 'Le bloc {{block}} est déjà routé vers {{to}} ({{server}}) : rien à déplacer.',
    ovhBlock:
      'OVH déplace des blocs entiers : {{block}} est routé aujourd’hui vers {{server}} et part vers {{to}} ({{toServer}}) avec toutes les adresses ci-dessous.',
    ovhAddress: 'Adresse',
    ovhUsedBy: 'Utilisée par',
    ovhCanMove: 'OVH indique que {{block}} peut être déplacé vers {{toServer}}.',
    ovhRefused: 'OVH refuse de déplacer {{block}} vers {{to}} :',
    ovhOthers:
      'Je sais que déplacer {{block}} déplace aussi les adresses de ces VM : {{others}}. Elles perdent leur route sauf si elles tournent aussi sur {{to}}.',
    ovhBlocked: {
      unmappedHost:
        '{{to}} n’a pas de nom de service OVH dans le fichier de cluster : renseignez-le dans les réglages de l’hôte, ou déplacez {{block}} à la main.',
      duplicateMac:
        'Le bloc {{block}} a des MAC virtuelles en double : OVH refuse de le déplacer tant que l’une n’est pas supprimée (voir la vue des IP failover).',
      noBlock: 'Aucun bloc failover trouvé.',
    },
    ovhMode: {
      first:
        'Déplacer {{block}} vers {{to}}, suivre la tâche OVH jusqu’au bout, puis migrer (l’ordre du runbook ; cela peut prendre plus de 5 minutes)',
      parallel:
        'Migrer tout de suite et déplacer {{block}} en même temps (la VM est injoignable jusqu’à la fin chez OVH)',
      manual: 'Ne pas le déplacer d’ici : je le déplace moi-même dans la console OVH',
    },
    stopFollowing: 'Arrêter de suivre la tâche OVH',
    stopFollowingHint: 'OVH peut encore effectuer le déplacement après l’arrêt du suivi.',
    ovhTask: 'Tâche OVH {{taskId}} : {{status}} ({{seconds}} s)',
    blockMoved: 'Le bloc {{block}} est maintenant routé vers {{server}} (tâche OVH {{taskId}}).',
    blockAlready: 'Le bloc {{block}} était déjà routé vers {{server}}.',
    blockNotMoved: 'La VM a migré, mais son bloc n’a pas été déplacé :',
    stepChecks: 'Vérifications',
    checkAgain: 'Vérifier à nouveau',
    checking: 'Vérification…',
    acceptWarnings: 'Migrer malgré les avertissements ci-dessus.',
    stepConfirm: 'Migrer',
    confirm: 'Migrer {{name}} vers {{to}} maintenant',
    blocked: 'Une vérification a échoué : corrigez-la, puis vérifiez à nouveau.',
    processed: 'transféré',
    remaining: 'restant',
    cancel: 'Annuler la migration',
    failed: '{{name}} n’a pas été migrée : elle tourne toujours sur {{from}}.',
    cancelled: 'Migration annulée : {{name}} tourne toujours sur {{from}}.',
    done: '{{name}} tourne maintenant sur {{to}} ({{duration}}).',
    followUps: 'Maintenant, dans la VM',
    checkFailover: 'Vérifiez que l’IP failover {{ip}} répond sur {{to}}.',
    changeGateway:
      'Changez sa passerelle par défaut de {{old}} à {{new}} : tapez ces lignes en root dans sa console.',
    interfacesAfter: 'Ensuite, /etc/network/interfaces contient :',
    migrateTo: 'Migrer vers',
    migrate: 'Migrer…',
    bandwidth: 'Limiter le débit de la migration (facultatif) :',
    bandwidthUnit: 'Mio/s',
    bandwidthInvalid: 'La limite est un nombre entier de Mio/s de 1 à {{max}}, ou vide pour aucune.',
  },
}
