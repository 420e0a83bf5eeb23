import type { migrationEn } from './migration.en'

export const migrationFr: typeof migrationEn = {
  migration: {
    title: 'Migrer {{name}} de {{from}} vers {{to}}',
    close: 'Fermer',
    stepFailover: 'Basculer d’abord l’IP failover',
    failoverDone:
      'J’ai basculé l’IP failover {{ip}} vers {{to}} dans la console OVH (Serveurs dédiés › IP › Basculer), et attendu que ce soit effectif : cela peut prendre plus de 5 minutes.',
    noFailover: 'Aucune IP failover n’est enregistrée pour cette VM : rien à basculer.',
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
    done: '{{name}} tourne maintenant sur {{to}} ({{seconds}} s).',
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
