import type { UpdateText } from '../../../shared/updates'

/** The release notice in French: every key of shared/updates.ts, same placeholders. */
const texts: Record<UpdateText, string> = {
  newer:
    'Hyperdesk {{latest}} est disponible (vous avez la version {{current}}). Téléchargez-la depuis la page de la version : l’application n’installe jamais de mise à jour d’elle-même.',
  current: 'Hyperdesk {{current}} est la dernière version.',
  disabled:
    'Cette version ne vérifie pas les nouvelles versions (version de développement ou mode navigateur). Réglez HYPERDESK_UPDATE_FEED pour vérifier.',
  failedNetwork:
    'Impossible de joindre le flux des versions {{feed}} : {{error}}. Vérifiez le réseau puis réessayez depuis le menu Aide.',
  failedTimeout:
    'Le flux des versions {{feed}} n’a pas répondu en {{seconds}} s. Réessayez depuis le menu Aide.',
  failedHttp:
    'Le flux des versions {{feed}} a répondu HTTP {{status}}. Réessayez plus tard depuis le menu Aide.',
  failedFeed: 'Le flux des versions {{feed}} a envoyé autre chose qu’une version ({{problem}}).',
  failedFeedUrl:
    'Le flux des versions {{feed}} n’est pas utilisable : il faut une URL https (http seulement sur 127.0.0.1). Réglez HYPERDESK_UPDATE_FEED sur une telle URL, ou sur « off ».',
  failedVersion:
    'La version de cette application, {{current}}, n’est pas un numéro de version publiée : impossible de comparer.',
}

export const updatesFr = {
  updates: {
    texts,
    open: 'Ouvrir la page de la version',
    dismiss: 'Fermer',
  },
}
