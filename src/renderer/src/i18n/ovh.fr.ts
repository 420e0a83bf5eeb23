import type { MessageCatalog } from '../../../shared/messages/message'

/** The failover IP view's badges in French (shared/ovh-texts.ts). */
export const failoverBadgesFr: MessageCatalog['failoverBadges'] = {
  routedElsewhere:
    '{{vm}} tourne sur {{host}} mais {{ip}} est routée vers {{server}} : déplacez le bloc vers {{hostServer}}, sinon OVH coupe son trafic.',
  claimedTwice:
    '{{ip}} est revendiquée par {{vms}} : deux VM avec une même adresse se coupent l’une l’autre.',
  macMismatch:
    'La MAC virtuelle de {{ip}} est {{mac}} mais la carte réseau de {{vm}} a {{nicMacs}} : OVH rejette les trames de toute autre MAC.',
  noVirtualMac:
    '{{ip}} n’a pas de MAC virtuelle sur {{server}} : créez-en une (type ovh) avant que la VM ne l’utilise.',
  firewallMissing: '{{ip}} manque dans le pare-feu (IPS_FAILOVER) de {{hosts}} : la VM y est injoignable.',
  duplicateMac:
    '{{addresses}} a des MAC virtuelles en double ({{macs}}) : OVH refuse de déplacer le bloc {{ip}} tant qu’elles existent.',
  unmappedServer:
    '{{ip}} est routée vers {{server}}, qu’aucun hôte du fichier de cluster ne désigne (ovhServiceName).',
}
