/**
 * The pages' languages (French, Arabic, Spanish, English), how one is chosen, and every sentence the pages say.
 * A message missing a language does not compile.
 */
export const PAGE_LANGUAGES = ['fr', 'ar', 'es', 'en'] as const;
export type PageLang = (typeof PAGE_LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<PageLang, string> = { fr: 'Français', ar: 'العربية', es: 'Español', en: 'English' };
export const directionOf = (lang: PageLang): 'rtl' | 'ltr' => (lang === 'ar' ? 'rtl' : 'ltr');
/** Locales for dates: Morocco's Arabic keeps Latin digits, as Moroccan documents do. */
const LOCALES: Record<PageLang, string> = { fr: 'fr-FR', ar: 'ar-MA', es: 'es-ES', en: 'en-GB' };

const isPageLang = (value: string): value is PageLang => (PAGE_LANGUAGES as readonly string[]).includes(value);

/** `?lang=` wins, then the first supported language of Accept-Language (by quality), then French. */
export function chooseLanguage(queryLang: unknown, acceptLanguage: string | undefined): PageLang {
  if (typeof queryLang === 'string' && isPageLang(queryLang)) return queryLang;
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const base = tag.split('-')[0]!;
    if (isPageLang(base)) return base;
  }
  return 'fr';
}

/** The first region named in Accept-Language for the chosen language (fr-MA gives MA), if any. */
export function regionOf(acceptLanguage: string | undefined, lang: PageLang): string | undefined {
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const [base, region] = tag.split('-');
    if (base === lang && region && /^[A-Za-z]{2}$/.test(region)) return region.toUpperCase();
  }
  return undefined;
}

function parseAcceptLanguage(header: string | undefined): Array<{ tag: string; q: number }> {
  if (!header) return [];
  return header.split(',').slice(0, 20).map((part) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
    return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
  }).filter((l) => l.tag && l.q > 0).sort((a, b) => b.q - a.q);
}

export function formatDate(iso: string | undefined, lang: PageLang): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(iso: string | undefined, lang: PageLang): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
}

/** French puts a space before a colon. */
export const colon = (lang: PageLang) => (lang === 'fr' ? '\u00a0: ' : ': ');

/** Between items of a list: Arabic has its own comma. */
export const listSeparator = (lang: PageLang): string => (lang === 'ar' ? '، ' : ', ');

const LATIN = /[A-Za-z\u00C0-\u024F]/;
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
/** Explicit bidirectional formatting: embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * A value placed into a sentence, isolated (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE) when its
 * direction may differ from the sentence's: "Maçon (CNC niveau 3)" inside Arabic, an Arabic name inside French.
 * Without it the bidirectional algorithm reorders the brackets and numbers around it.
 */
export function isolateForLang(value: string, lang: PageLang): string {
  // An override or embedding in a value (a name with U+202E, say) would reorder the sentence after it: it is isolated
  // too, and the value's own isolate marks are dropped so that none of them closes this isolate early.
  if (BIDI_CONTROLS.test(value)) return `\u2068${value.replace(/[\u2066-\u2069]/g, '')}\u2069`;
  const foreign = directionOf(lang) === 'rtl' ? LATIN : RIGHT_TO_LEFT;
  return foreign.test(value) ? `\u2068${value}\u2069` : value;
}

/** A country's name in the page's language (ISO 3166-1 alpha-2 in, "Espagne" out). */
export function countryName(code: string, lang: PageLang): string {
  return new Intl.DisplayNames([LOCALES[lang]], { type: 'region' }).of(code.toUpperCase()) ?? code;
}

type Message = Record<PageLang, string>;

export const MESSAGES = {
  // Layout
  'site.tagline': { fr: 'Compétences vérifiables, d’un pays à l’autre', ar: 'مهارات قابلة للتحقق، من بلد إلى آخر', es: 'Competencias verificables, de un país a otro', en: 'Verifiable skills, from one country to another' },
  'nav.verify': { fr: 'Vérifier une attestation', ar: 'التحقق من شهادة', es: 'Verificar una credencial', en: 'Check a credential' },
  'nav.language': { fr: 'Langue', ar: 'اللغة', es: 'Idioma', en: 'Language' },
  'footer.attribution': {
    fr: 'Compétences et métiers : classification ESCO de la Commission européenne (© Union européenne, CC BY 4.0) ; CITP-08 © Organisation internationale du Travail.',
    ar: 'المهارات والمهن: تصنيف ESCO للمفوضية الأوروبية (© الاتحاد الأوروبي، CC BY 4.0)؛ التصنيف الدولي الموحد للمهن ISCO-08 © منظمة العمل الدولية.',
    es: 'Competencias y ocupaciones: clasificación ESCO de la Comisión Europea (© Unión Europea, CC BY 4.0); CIUO-08 © Organización Internacional del Trabajo.',
    en: 'Skills and occupations: the ESCO classification of the European Commission (© European Union, CC BY 4.0); ISCO-08 © International Labour Organization.',
  },
  'footer.privacy': { fr: 'Cette page ne charge rien depuis d’autres sites.', ar: 'لا تُحمِّل هذه الصفحة أي شيء من مواقع أخرى.', es: 'Esta página no carga nada de otros sitios.', en: 'This page loads nothing from other sites.' },

  // Claim
  'claim.title': { fr: 'Une attestation pour vous', ar: 'شهادة من أجلك', es: 'Una credencial para usted', en: 'A credential for you' },
  'claim.intro': {
    fr: '{issuer} a délivré cette attestation. Ajoutez-la à votre portefeuille pour la garder et la montrer à un employeur.',
    ar: 'أصدرت {issuer} هذه الشهادة. أضِفها إلى محفظتك لتحتفظ بها وتعرضها على صاحب عمل.',
    es: '{issuer} emitió esta credencial. Añádala a su cartera para guardarla y mostrarla a un empleador.',
    en: '{issuer} issued this credential. Add it to your wallet to keep it and show it to an employer.',
  },
  'claim.for': { fr: 'Pour : {name}', ar: 'لفائدة: {name}', es: 'Para: {name}', en: 'For: {name}' },
  'claim.validUntil': { fr: 'Ce lien sert une seule fois, jusqu’au {date}.', ar: 'يُستعمل هذا الرابط مرة واحدة فقط، إلى غاية {date}.', es: 'Este enlace sirve una sola vez, hasta el {date}.', en: 'This link works once, until {date}.' },
  'claim.newWallet': { fr: 'Créer mon portefeuille et l’ajouter', ar: 'إنشاء محفظتي وإضافتها', es: 'Crear mi cartera y añadirla', en: 'Create my wallet and add it' },
  'claim.existingWallet': { fr: 'J’ai déjà un portefeuille', ar: 'لديّ محفظة من قبل', es: 'Ya tengo una cartera', en: 'I already have a wallet' },
  'claim.walletLink': { fr: 'Le lien de votre portefeuille', ar: 'رابط محفظتك', es: 'El enlace de su cartera', en: 'Your wallet link' },
  'claim.passphraseIfAny': { fr: 'Phrase secrète (si vous en avez choisi une)', ar: 'عبارة المرور (إن كنت قد اخترت واحدة)', es: 'Frase secreta (si eligió una)', en: 'Passphrase (if you chose one)' },
  'claim.addToWallet': { fr: 'Ajouter à ce portefeuille', ar: 'إضافة إلى هذه المحفظة', es: 'Añadir a esta cartera', en: 'Add to this wallet' },

  // Wallet
  'wallet.title': { fr: 'Mon portefeuille', ar: 'محفظتي', es: 'Mi cartera', en: 'My wallet' },
  'wallet.added': { fr: 'L’attestation a été ajoutée à votre portefeuille.', ar: 'أُضيفت الشهادة إلى محفظتك.', es: 'La credencial se añadió a su cartera.', en: 'The credential was added to your wallet.' },
  'wallet.keepLink': {
    fr: 'Gardez ce lien pour vous : il ouvre votre portefeuille. Enregistrez-le dans vos favoris ou envoyez-le-vous. Qui a ce lien voit vos attestations.',
    ar: 'احتفظ بهذا الرابط لنفسك: فهو يفتح محفظتك. احفظه في المفضلة أو أرسله إلى نفسك. كل من لديه هذا الرابط يرى شهاداتك.',
    es: 'Guarde este enlace para usted: abre su cartera. Añádalo a marcadores o envíeselo. Quien tenga este enlace ve sus credenciales.',
    en: 'Keep this link to yourself: it opens your wallet. Bookmark it or send it to yourself. Anyone with this link sees your credentials.',
  },
  'wallet.empty': { fr: 'Votre portefeuille est vide.', ar: 'محفظتك فارغة.', es: 'Su cartera está vacía.', en: 'Your wallet is empty.' },
  'wallet.credentials': { fr: 'Mes attestations', ar: 'شهاداتي', es: 'Mis credenciales', en: 'My credentials' },
  'wallet.issuedBy': { fr: 'Délivrée par {issuer}', ar: 'صادرة عن {issuer}', es: 'Emitida por {issuer}', en: 'Issued by {issuer}' },
  'wallet.downloadJson': { fr: 'Télécharger (JSON)', ar: 'تنزيل (JSON)', es: 'Descargar (JSON)', en: 'Download (JSON)' },
  'wallet.downloadJwt': { fr: 'Télécharger (JWT)', ar: 'تنزيل (JWT)', es: 'Descargar (JWT)', en: 'Download (JWT)' },
  'wallet.delete': { fr: 'Supprimer de mon portefeuille', ar: 'حذف من محفظتي', es: 'Eliminar de mi cartera', en: 'Delete from my wallet' },
  'wallet.sharedIn': { fr: 'Partagée dans : {links}', ar: 'مُشارَكة في: {links}', es: 'Compartida en: {links}', en: 'Shared in: {links}' },
  'wallet.notShared': { fr: 'Partagée dans aucun lien actif.', ar: 'غير مُشارَكة في أي رابط نشط.', es: 'No compartida en ningún enlace activo.', en: 'Not in any active share link.' },
  'wallet.unlabelled': { fr: 'lien sans nom', ar: 'رابط بلا اسم', es: 'enlace sin nombre', en: 'unnamed link' },
  'wallet.share.title': { fr: 'Partager avec un employeur', ar: 'المشاركة مع صاحب عمل', es: 'Compartir con un empleador', en: 'Share with an employer' },
  'wallet.share.choose': { fr: 'Attestations à montrer', ar: 'الشهادات المراد عرضها', es: 'Credenciales que mostrar', en: 'Credentials to show' },
  'wallet.share.expiry': { fr: 'Le lien fonctionne pendant', ar: 'يعمل الرابط لمدة', es: 'El enlace funciona durante', en: 'The link works for' },
  'wallet.share.label': { fr: 'Nom du lien (facultatif), par exemple le nom de l’employeur', ar: 'اسم الرابط (اختياري)، مثلاً اسم صاحب العمل', es: 'Nombre del enlace (opcional), por ejemplo el nombre del empleador', en: 'Name of the link (optional), for example the employer’s name' },
  'wallet.share.create': { fr: 'Créer le lien', ar: 'إنشاء الرابط', es: 'Crear el enlace', en: 'Create the link' },
  'wallet.share.days': { fr: '{n} jours', ar: '{n} يوماً', es: '{n} días', en: '{n} days' },
  'wallet.share.oneDay': { fr: '1 jour', ar: 'يوم واحد', es: '1 día', en: '1 day' },
  'wallet.share.oneYear': { fr: '1 an', ar: 'سنة واحدة', es: '1 año', en: '1 year' },
  'wallet.links.title': { fr: 'Mes liens de partage', ar: 'روابط المشاركة الخاصة بي', es: 'Mis enlaces para compartir', en: 'My share links' },
  'wallet.links.none': { fr: 'Aucun lien pour le moment.', ar: 'لا توجد روابط حتى الآن.', es: 'Ningún enlace por ahora.', en: 'No links yet.' },
  'wallet.links.created': { fr: 'Lien créé : donnez-le ou montrez le QR code à l’employeur.', ar: 'تم إنشاء الرابط: أعطه لصاحب العمل أو اعرض عليه رمز QR.', es: 'Enlace creado: déselo al empleador o muéstrele el código QR.', en: 'Link created: give it to the employer or show them the QR code.' },
  'wallet.links.active': { fr: 'Actif jusqu’au {date}', ar: 'نشط إلى غاية {date}', es: 'Activo hasta el {date}', en: 'Active until {date}' },
  'wallet.links.expired': { fr: 'Expiré le {date}', ar: 'انتهت صلاحيته في {date}', es: 'Caducó el {date}', en: 'Expired on {date}' },
  'wallet.links.revoked': { fr: 'Retiré le {date}', ar: 'سُحب في {date}', es: 'Retirado el {date}', en: 'Withdrawn on {date}' },
  'wallet.links.views': { fr: 'Consulté {n} fois', ar: 'عدد المشاهدات: {n}', es: 'Consultado {n} veces', en: 'Viewed {n} times' },
  'wallet.links.lastView': { fr: 'dernière fois le {date}', ar: 'آخر مرة في {date}', es: 'última vez el {date}', en: 'last on {date}' },
  'wallet.links.showQr': { fr: 'Afficher le lien et le QR code', ar: 'عرض الرابط ورمز QR', es: 'Mostrar el enlace y el código QR', en: 'Show the link and QR code' },
  'wallet.links.revoke': { fr: 'Retirer ce lien', ar: 'سحب هذا الرابط', es: 'Retirar este enlace', en: 'Withdraw this link' },
  'wallet.links.contains': { fr: 'Contient : {names}', ar: 'يتضمن: {names}', es: 'Contiene: {names}', en: 'Contains: {names}' },
  'wallet.passphrase.title': { fr: 'Protéger par une phrase secrète', ar: 'الحماية بعبارة مرور', es: 'Proteger con una frase secreta', en: 'Protect with a passphrase' },
  'wallet.passphrase.explain': {
    fr: 'Avec une phrase secrète, le lien seul ne suffit plus pour ouvrir le portefeuille (au moins 8 caractères).',
    ar: 'مع عبارة المرور، لا يكفي الرابط وحده لفتح المحفظة (8 أحرف على الأقل).',
    es: 'Con una frase secreta, el enlace por sí solo ya no abre la cartera (al menos 8 caracteres).',
    en: 'With a passphrase, the link alone no longer opens the wallet (at least 8 characters).',
  },
  'wallet.passphrase.set': { fr: 'Enregistrer la phrase secrète', ar: 'حفظ عبارة المرور', es: 'Guardar la frase secreta', en: 'Save the passphrase' },
  'wallet.passphrase.change': { fr: 'Changer la phrase secrète', ar: 'تغيير عبارة المرور', es: 'Cambiar la frase secreta', en: 'Change the passphrase' },
  'wallet.passphrase.isSet': { fr: 'Ce portefeuille est protégé par une phrase secrète.', ar: 'هذه المحفظة محمية بعبارة مرور.', es: 'Esta cartera está protegida con una frase secreta.', en: 'This wallet is protected by a passphrase.' },
  'wallet.passphrase.saved': { fr: 'Phrase secrète enregistrée.', ar: 'تم حفظ عبارة المرور.', es: 'Frase secreta guardada.', en: 'Passphrase saved.' },
  'wallet.passphrase.label': { fr: 'Phrase secrète', ar: 'عبارة المرور', es: 'Frase secreta', en: 'Passphrase' },
  'wallet.locked.title': { fr: 'Portefeuille protégé', ar: 'محفظة محمية', es: 'Cartera protegida', en: 'Protected wallet' },
  'wallet.locked.explain': { fr: 'Entrez votre phrase secrète pour ouvrir ce portefeuille.', ar: 'أدخل عبارة المرور لفتح هذه المحفظة.', es: 'Introduzca su frase secreta para abrir esta cartera.', en: 'Enter your passphrase to open this wallet.' },
  'wallet.locked.unlock': { fr: 'Ouvrir', ar: 'فتح', es: 'Abrir', en: 'Open' },
  'wallet.deleted': { fr: 'Attestation supprimée de votre portefeuille.', ar: 'حُذفت الشهادة من محفظتك.', es: 'Credencial eliminada de su cartera.', en: 'Credential deleted from your wallet.' },
  'wallet.linkRevoked': { fr: 'Lien retiré : il ne s’ouvre plus.', ar: 'سُحب الرابط: لم يعد يفتح.', es: 'Enlace retirado: ya no se abre.', en: 'Link withdrawn: it no longer opens.' },

  // Live state of a credential
  'state.valid': { fr: 'Valide', ar: 'صالحة', es: 'Válida', en: 'Valid' },
  'state.revoked': { fr: 'Révoquée', ar: 'ملغاة', es: 'Revocada', en: 'Revoked' },
  'state.suspended': { fr: 'Suspendue', ar: 'موقوفة', es: 'Suspendida', en: 'Suspended' },
  'state.expired': { fr: 'Expirée', ar: 'منتهية الصلاحية', es: 'Caducada', en: 'Expired' },
  'state.not-yet-valid': { fr: 'Pas encore valide', ar: 'غير صالحة بعد', es: 'Aún no válida', en: 'Not yet valid' },
  'state.invalid': { fr: 'Non valide', ar: 'غير صالحة', es: 'No válida', en: 'Not valid' },

  // Share page
  'share.title': { fr: 'Attestations partagées avec vous', ar: 'شهادات تمت مشاركتها معك', es: 'Credenciales compartidas con usted', en: 'Credentials shared with you' },
  'share.forLabel': { fr: 'Lien préparé pour : {label}', ar: 'رابط مُعَدّ لـ: {label}', es: 'Enlace preparado para: {label}', en: 'Link prepared for: {label}' },
  'share.linkValidity': {
    fr: 'Ce lien de partage reste ouvert jusqu’au {date}, selon le choix de la personne qui le partage. C’est sans rapport avec la validité des attestations elles-mêmes, indiquée pour chacune ci-dessous.',
    ar: 'يبقى رابط المشاركة هذا مفتوحاً إلى غاية {date}، حسب اختيار الشخص الذي شاركه. لا علاقة لذلك بصلاحية الشهادات نفسها، المبيَّنة لكل واحدة أدناه.',
    es: 'Este enlace para compartir sigue abierto hasta el {date}, según lo eligió la persona que lo comparte. No tiene relación con la validez de las credenciales, indicada para cada una más abajo.',
    en: 'This share link stays open until {date}, as chosen by the person sharing it. That is unrelated to the validity of the credentials themselves, shown for each one below.',
  },
  'share.machine': { fr: 'Pour les logiciels : la même adresse avec Accept: application/json renvoie une présentation vérifiable signée.', ar: 'للبرمجيات: العنوان نفسه مع Accept: application/json يعيد عرضاً قابلاً للتحقق وموقَّعاً.', es: 'Para programas: la misma dirección con Accept: application/json devuelve una presentación verificable firmada.', en: 'For software: the same address with Accept: application/json returns a signed verifiable presentation.' },
  'share.nothing': { fr: 'Ce lien ne contient plus aucune attestation.', ar: 'لم يعد هذا الرابط يتضمن أي شهادة.', es: 'Este enlace ya no contiene ninguna credencial.', en: 'This link no longer contains any credential.' },
  'share.gone.title': { fr: 'Ce lien n’est plus ouvert', ar: 'هذا الرابط لم يعد مفتوحاً', es: 'Este enlace ya no está abierto', en: 'This link is no longer open' },
  'share.gone.expired': { fr: 'Ce lien de partage a expiré le {date}. Les attestations elles-mêmes ne sont pas concernées : demandez un nouveau lien à la personne qui vous l’a donné.', ar: 'انتهت صلاحية رابط المشاركة هذا في {date}. الشهادات نفسها غير معنية: اطلب رابطاً جديداً من الشخص الذي أعطاك إياه.', es: 'Este enlace para compartir caducó el {date}. Las credenciales no se ven afectadas: pida un enlace nuevo a la persona que se lo dio.', en: 'This share link expired on {date}. The credentials themselves are not affected: ask the person who gave it to you for a new link.' },
  'share.gone.revoked': { fr: 'La personne qui a partagé ce lien l’a retiré le {date}.', ar: 'سحب الشخص الذي شارك هذا الرابط رابطَه في {date}.', es: 'La persona que compartió este enlace lo retiró el {date}.', en: 'The person who shared this link withdrew it on {date}.' },

  // Verdicts
  'verdict.valid': { fr: 'Attestation authentique et en vigueur', ar: 'شهادة أصلية وسارية المفعول', es: 'Credencial auténtica y vigente', en: 'Genuine and in force' },
  'verdict.valid-issuer-unknown': { fr: 'Authentique et en vigueur, mais l’émetteur n’est pas reconnu ici', ar: 'أصلية وسارية المفعول، لكن الجهة المُصدِرة غير معروفة هنا', es: 'Auténtica y vigente, pero el emisor no está reconocido aquí', en: 'Genuine and in force, but the issuer is not recognised here' },
  'verdict.revoked': { fr: 'Révoquée par son émetteur', ar: 'ألغتها الجهة المُصدِرة', es: 'Revocada por su emisor', en: 'Revoked by its issuer' },
  'verdict.suspended': { fr: 'Suspendue par son émetteur', ar: 'أوقفتها الجهة المُصدِرة', es: 'Suspendida por su emisor', en: 'Suspended by its issuer' },
  'verdict.expired': { fr: 'Expirée', ar: 'منتهية الصلاحية', es: 'Caducada', en: 'Expired' },
  'verdict.not-yet-valid': { fr: 'Pas encore en vigueur', ar: 'لم تدخل حيز التنفيذ بعد', es: 'Aún no vigente', en: 'Not in force yet' },
  'verdict.invalid': { fr: 'Non valide : ne vous y fiez pas', ar: 'غير صالحة: لا تعتمد عليها', es: 'No válida: no confíe en ella', en: 'Not valid: do not rely on it' },
  'checks.title': { fr: 'Ce qui a été vérifié', ar: 'ما تم التحقق منه', es: 'Qué se ha comprobado', en: 'What was checked' },

  // Findings, in plain words
  'finding.signature-intact': { fr: 'Signature : intacte. Le contenu n’a pas été modifié depuis sa délivrance.', ar: 'التوقيع: سليم. لم يُغيَّر المحتوى منذ إصداره.', es: 'Firma: intacta. El contenido no se ha modificado desde su emisión.', en: 'Signature: intact. Nothing has been changed since it was issued.' },
  'finding.signature-broken': { fr: 'Signature : ne correspond pas. L’attestation a été modifiée ou falsifiée.', ar: 'التوقيع: غير مطابق. تم تعديل الشهادة أو تزويرها.', es: 'Firma: no coincide. La credencial fue modificada o falsificada.', en: 'Signature: does not match. The credential was altered or forged.' },
  'finding.issuer-known': { fr: 'Émetteur : {issuer}, connu de ce service ; sa clé de signature est publiée.', ar: 'الجهة المُصدِرة: {issuer}، معروفة لدى هذه الخدمة؛ مفتاح توقيعها منشور.', es: 'Emisor: {issuer}, conocido por este servicio; su clave de firma está publicada.', en: 'Issuer: {issuer}, known to this service; its signing key is published.' },
  'finding.issuer-unknown': { fr: 'Émetteur : inconnu de ce service ({issuer}). La signature est bien la sienne, mais nous ne pouvons pas dire qui il est. Ce n’est pas une attestation fausse pour autant.', ar: 'الجهة المُصدِرة: غير معروفة لدى هذه الخدمة ({issuer}). التوقيع توقيعها فعلاً، لكننا لا نستطيع أن نقول من هي. هذا لا يعني أن الشهادة مزورة.', es: 'Emisor: desconocido para este servicio ({issuer}). La firma es suya, pero no podemos decir quién es. No por ello la credencial es falsa.', en: 'Issuer: not known to this service ({issuer}). The signature is theirs, but we cannot say who they are. That does not make the credential false.' },
  'finding.issuer-unconfirmed': { fr: 'Émetteur : impossible de confirmer que la clé de signature lui appartient.', ar: 'الجهة المُصدِرة: تعذّر التأكد من أن مفتاح التوقيع يعود إليها.', es: 'Emisor: no se pudo confirmar que la clave de firma le pertenece.', en: 'Issuer: could not confirm that the signing key belongs to it.' },
  'finding.accredited': { fr: 'Accréditation : l’émetteur est accrédité par {authority} pour {scope}, jusqu’au {date}.', ar: 'الاعتماد: الجهة المُصدِرة معتمدة من طرف {authority} لـ {scope}، إلى غاية {date}.', es: 'Acreditación: el emisor está acreditado por {authority} para {scope}, hasta el {date}.', en: 'Accreditation: the issuer is accredited by {authority} for {scope}, until {date}.' },
  'scope.framework': { fr: 'tous les niveaux du {framework}', ar: 'جميع مستويات {framework}', es: 'todos los niveles del {framework}', en: 'every level of the {framework}' },
  'scope.occupation': { fr: 'le métier « {occupation} » ({code})', ar: 'مهنة «{occupation}» ({code})', es: 'la ocupación «{occupation}» ({code})', en: 'the occupation “{occupation}” ({code})' },
  'finding.not-accredited': { fr: 'Accréditation : aucune autorité connue de ce service n’accrédite l’émetteur pour ce que dit cette attestation. Cela ne la rend pas fausse.', ar: 'الاعتماد: لا توجد سلطة معروفة لدى هذه الخدمة تعتمد الجهة المُصدِرة لما تتضمنه هذه الشهادة. هذا لا يجعلها مزورة.', es: 'Acreditación: ninguna autoridad conocida por este servicio acredita al emisor para lo que dice esta credencial. Eso no la hace falsa.', en: 'Accreditation: no authority known to this service accredits the issuer for what this credential says. That does not make it false.' },
  'finding.within-dates': { fr: 'Dates : en vigueur, jusqu’au {date}.', ar: 'التواريخ: سارية المفعول، إلى غاية {date}.', es: 'Fechas: vigente, hasta el {date}.', en: 'Dates: in force, until {date}.' },
  'finding.no-end-date': { fr: 'Dates : en vigueur, sans date de fin.', ar: 'التواريخ: سارية المفعول، بلا تاريخ انتهاء.', es: 'Fechas: vigente, sin fecha de fin.', en: 'Dates: in force, with no end date.' },
  'finding.expired': { fr: 'Dates : l’attestation a expiré le {date}.', ar: 'التواريخ: انتهت صلاحية الشهادة في {date}.', es: 'Fechas: la credencial caducó el {date}.', en: 'Dates: the credential expired on {date}.' },
  'finding.not-yet-valid': { fr: 'Dates : en vigueur seulement à partir du {date}.', ar: 'التواريخ: لا تسري إلا ابتداءً من {date}.', es: 'Fechas: vigente solo a partir del {date}.', en: 'Dates: in force only from {date}.' },
  'finding.dates-malformed': { fr: 'Dates : illisibles.', ar: 'التواريخ: غير مقروءة.', es: 'Fechas: ilegibles.', en: 'Dates: unreadable.' },
  'finding.not-revoked': { fr: 'Statut : ni révoquée ni suspendue par l’émetteur.', ar: 'الحالة: لم تُلغِها الجهة المُصدِرة ولم توقفها.', es: 'Estado: ni revocada ni suspendida por el emisor.', en: 'Status: neither revoked nor suspended by the issuer.' },
  'finding.revoked': { fr: 'Statut : révoquée par l’émetteur.', ar: 'الحالة: ألغتها الجهة المُصدِرة.', es: 'Estado: revocada por el emisor.', en: 'Status: revoked by the issuer.' },
  'finding.suspended': { fr: 'Statut : suspendue par l’émetteur.', ar: 'الحالة: أوقفتها الجهة المُصدِرة.', es: 'Estado: suspendida por el emisor.', en: 'Status: suspended by the issuer.' },
  'finding.status-unavailable': { fr: 'Statut : impossible de le vérifier.', ar: 'الحالة: تعذّر التحقق منها.', es: 'Estado: no se pudo comprobar.', en: 'Status: could not be checked.' },
  'finding.schema-valid': { fr: 'Structure : conforme au modèle publié.', ar: 'البنية: مطابقة للنموذج المنشور.', es: 'Estructura: conforme al modelo publicado.', en: 'Structure: matches its published schema.' },
  'finding.schema-invalid': { fr: 'Structure : non conforme au modèle publié.', ar: 'البنية: غير مطابقة للنموذج المنشور.', es: 'Estructura: no conforme al modelo publicado.', en: 'Structure: does not match its published schema.' },
  'finding.other-valid': { fr: 'Contrôle réussi.', ar: 'نجح الفحص.', es: 'Comprobación superada.', en: 'Check passed.' },
  'finding.other-invalid': { fr: 'Contrôle échoué.', ar: 'فشل الفحص.', es: 'Comprobación fallida.', en: 'Check failed.' },
  'finding.details': { fr: 'Détail technique', ar: 'تفاصيل تقنية', es: 'Detalle técnico', en: 'Technical detail' },

  // What a credential says
  'credential.achievement': { fr: 'Acquis', ar: 'المكتسب', es: 'Logro', en: 'Achievement' },
  'credential.criteria': { fr: 'Comment cela a été évalué', ar: 'كيف تم التقييم', es: 'Cómo se evaluó', en: 'How it was assessed' },
  'credential.issuer': { fr: 'Émetteur', ar: 'الجهة المُصدِرة', es: 'Emisor', en: 'Issuer' },
  'credential.issued': { fr: 'Délivrée le', ar: 'تاريخ الإصدار', es: 'Emitida el', en: 'Issued on' },
  'credential.validUntil': { fr: 'Valable jusqu’au', ar: 'صالحة إلى غاية', es: 'Válida hasta el', en: 'Valid until' },
  'credential.noEnd': { fr: 'sans date de fin', ar: 'بلا تاريخ انتهاء', es: 'sin fecha de fin', en: 'no end date' },
  'credential.skills': { fr: 'Compétences (ESCO)', ar: 'المهارات (ESCO)', es: 'Competencias (ESCO)', en: 'Skills (ESCO)' },
  'credential.occupations': { fr: 'Métiers (CITP / ISCO-08)', ar: 'المهن (ISCO-08)', es: 'Ocupaciones (CIUO / ISCO-08)', en: 'Occupations (ISCO-08)' },
  'credential.levels': { fr: 'Niveau indiqué par l’émetteur', ar: 'المستوى الذي حددته الجهة المُصدِرة', es: 'Nivel indicado por el emisor', en: 'Level stated by the issuer' },
  'credential.partial': { fr: 'Validation partielle : ces unités ont été validées', ar: 'تصديق جزئي: تمت المصادقة على هذه الوحدات', es: 'Validación parcial: se validaron estas unidades', en: 'Partial validation: these units were validated' },
  'credential.partialExplain': {
    fr: 'Cette attestation certifie ces unités seulement, pas la certification entière.',
    ar: 'تشهد هذه الشهادة على هذه الوحدات فقط، لا على المؤهل كاملاً.',
    es: 'Esta credencial certifica solo estas unidades, no la cualificación completa.',
    en: 'This credential certifies these units only, not the whole qualification.',
  },
  'credential.escoLanguage': {
    fr: 'ESCO et la CITP n’existent pas en arabe : leurs intitulés sont en anglais.', ar: 'لا يتوفر تصنيفا ESCO وISCO باللغة العربية: التسميات باللغة الإنجليزية.',
    es: 'ESCO y la CIUO no existen en árabe: sus denominaciones están en inglés.', en: 'ESCO and ISCO have no Arabic labels: they are given in English.',
  },
  'credential.untitled': { fr: 'Attestation sans titre', ar: 'شهادة بلا عنوان', es: 'Credencial sin título', en: 'Untitled credential' },

  // Recognition
  'recognition.title': { fr: 'Ce qu’elle vaut ailleurs', ar: 'ما تعادله في مكان آخر', es: 'Lo que vale en otro lugar', en: 'What it corresponds to elsewhere' },
  'recognition.title.country': { fr: 'Ce qu’elle vaut ({country})', ar: 'ما تعادله ({country})', es: 'Lo que vale ({country})', en: 'What it corresponds to ({country})' },
  'recognition.title.eqf': { fr: 'Niveau européen (CEC)', ar: 'المستوى الأوروبي (الإطار الأوروبي للمؤهلات)', es: 'Nivel europeo (MEC)', en: 'European level (EQF)' },
  'recognition.title.acqf': { fr: 'Niveau continental africain (ACQF)', ar: 'المستوى القاري الأفريقي (الإطار القاري الأفريقي للمؤهلات)', es: 'Nivel continental africano (ACQF)', en: 'African continental level (ACQF)' },
  'recognition.choose': { fr: 'Cadre de certification', ar: 'إطار المؤهلات', es: 'Marco de cualificaciones', en: 'Qualifications framework' },
  'recognition.show': { fr: 'Afficher', ar: 'عرض', es: 'Mostrar', en: 'Show' },
  'recognition.noLevel': { fr: 'Cette attestation n’indique aucun niveau d’un cadre de certification connu : pas d’équivalence possible.', ar: 'لا تذكر هذه الشهادة أي مستوى من إطار مؤهلات معروف: لا يمكن تحديد معادلة.', es: 'Esta credencial no indica ningún nivel de un marco conocido: no hay equivalencia posible.', en: 'This credential states no level of a known qualifications framework, so no equivalent can be given.' },
  'recognition.partial': {
    fr: 'Validation partielle : seules les unités ci-dessus ont été validées. Aucune équivalence de niveau ne s’applique à une partie de certification.',
    ar: 'تصديق جزئي: لم يُصادَق إلا على الوحدات المذكورة أعلاه. لا تنطبق أي معادلة في المستوى على جزء من مؤهل.',
    es: 'Validación parcial: solo se validaron las unidades indicadas arriba. Ninguna equivalencia de nivel se aplica a una parte de una cualificación.',
    en: 'Partial validation: only the units above were validated. No level equivalence applies to part of a qualification.',
  },
  'recognition.onWhoseWord': { fr: 'Sur la parole de qui', ar: 'بناءً على قول مَن', es: 'Según quién', en: 'On whose word' },
  'recognition.placements': { fr: 'Classements publiés', ar: 'تصنيفات منشورة', es: 'Clasificaciones publicadas', en: 'Published placements' },
  'recognition.nextSteps': { fr: 'Que faire maintenant', ar: 'ما يمكنك فعله الآن', es: 'Qué hacer ahora', en: 'What you can do now' },
  'nextStep.fees': { fr: 'Frais', ar: 'الرسوم', es: 'Tasas', en: 'Fees' },
  'nextStep.duration': { fr: 'Délai', ar: 'المدة', es: 'Plazo', en: 'Time it takes' },
  'nextStep.apply': { fr: 'Où faire la demande', ar: 'أين تُقدَّم الطلب', es: 'Dónde presentar la solicitud', en: 'Where to apply' },
  'source.published': { fr: 'publié : {date}', ar: 'تاريخ النشر: {date}', es: 'publicado: {date}', en: 'published {date}' },
  'source.accessed': { fr: 'consulté le {date}', ar: 'تاريخ الاطلاع: {date}', es: 'consultado el {date}', en: 'read on {date}' },
  'basis.official-referencing': { fr: 'officiel : référencement adopté par les autorités des deux cadres', ar: 'رسمي: إحالة اعتمدتها سلطات الإطارين', es: 'oficial: referenciación adoptada por las autoridades de ambos marcos', en: 'official: referencing adopted by the authorities of both frameworks' },
  'basis.official-comparison': { fr: 'officiel : comparaison adoptée par les autorités', ar: 'رسمي: مقارنة اعتمدتها السلطات', es: 'oficial: comparación adoptada por las autoridades', en: 'official: comparison adopted by the authorities' },
  'basis.bilateral-agreement': { fr: 'accord bilatéral entre les deux pays', ar: 'اتفاق ثنائي بين البلدين', es: 'acuerdo bilateral entre los dos países', en: 'bilateral agreement between the two countries' },
  'basis.indicative': { fr: 'indicatif : estimation de ce service, pas une décision officielle', ar: 'إرشادي: تقدير من هذه الخدمة، وليس قراراً رسمياً', es: 'indicativo: estimación de este servicio, no una decisión oficial', en: 'indicative: this service’s estimate, not an official decision' },
  'basis.credential-evaluation-body': { fr: 'indicatif : positionnement par un organisme d’évaluation des diplômes, qui n’engage que lui', ar: 'إرشادي: تصنيف من هيئة لتقييم الشهادات لا يُلزم إلا تلك الهيئة', es: 'indicativo: ubicación por un organismo de evaluación de títulos, que solo lo compromete a él', en: 'indicative: placement by a credential evaluation body, binding only that body' },
  'basis.accredited-claim': { fr: 'déclaré par l’émetteur, accrédité par une autorité de reconnaissance', ar: 'صرّحت به الجهة المُصدِرة، وهي معتمدة من سلطة اعتراف', es: 'declarado por el emisor, acreditado por una autoridad de reconocimiento', en: 'stated by the issuer, accredited by a recognition authority' },
  'basis.issuer-claimed': { fr: 'déclaré par l’émetteur seul, sans source publiée', ar: 'صرّحت به الجهة المُصدِرة وحدها، دون مصدر منشور', es: 'declarado solo por el emisor, sin fuente publicada', en: 'stated by the issuer alone, with no published source' },
  'basis.unverified': { fr: 'Certaines sources de ce chemin restent à vérifier.', ar: 'بعض مصادر هذا المسار لم يتم التحقق منها بعد.', es: 'Algunas fuentes de esta ruta están pendientes de verificación.', en: 'Some sources along this path are not verified yet.' },

  // A framework level's own page (its URI, opened in a browser)
  'level.inFramework': { fr: 'Cadre de certification', ar: 'إطار المؤهلات', es: 'Marco de cualificaciones', en: 'Qualifications framework' },
  'level.uri': { fr: 'Identifiant (URI)', ar: 'المعرِّف (URI)', es: 'Identificador (URI)', en: 'Identifier (URI)' },
  'level.descriptors': { fr: 'Ce que ce niveau suppose', ar: 'ما يفترضه هذا المستوى', es: 'Lo que supone este nivel', en: 'What this level means' },
  'level.knowledge': { fr: 'Savoirs', ar: 'المعارف', es: 'Conocimientos', en: 'Knowledge' },
  'level.skills': { fr: 'Aptitudes', ar: 'المهارات', es: 'Destrezas', en: 'Skills' },
  'level.autonomy': { fr: 'Autonomie et responsabilité', ar: 'الاستقلالية والمسؤولية', es: 'Autonomía y responsabilidad', en: 'Autonomy and responsibility' },
  'level.typical': { fr: 'Certifications typiques', ar: 'مؤهلات نموذجية', es: 'Cualificaciones típicas', en: 'Typical qualifications' },
  'level.relations': { fr: 'Niveaux liés dans d’autres cadres', ar: 'مستويات مرتبطة في أطر أخرى', es: 'Niveles relacionados en otros marcos', en: 'Related levels in other frameworks' },
  'level.sources': { fr: 'Sources', ar: 'المصادر', es: 'Fuentes', en: 'Sources' },
  'level.levels': { fr: 'Niveaux', ar: 'المستويات', es: 'Niveles', en: 'Levels' },

  // Verify page
  'verify.title': { fr: 'Vérifier une attestation', ar: 'التحقق من شهادة', es: 'Verificar una credencial', en: 'Check a credential' },
  'verify.intro': { fr: 'Collez une attestation (JSON ou JWT) ou choisissez son fichier. Rien n’est conservé.', ar: 'الصق شهادة (JSON أو JWT) أو اختر ملفها. لا يُحتفَظ بأي شيء.', es: 'Pegue una credencial (JSON o JWT) o elija su archivo. No se guarda nada.', en: 'Paste a credential (JSON or JWT) or choose its file. Nothing is kept.' },
  'verify.paste': { fr: 'Attestation', ar: 'الشهادة', es: 'Credencial', en: 'Credential' },
  'verify.file': { fr: 'ou un fichier', ar: 'أو ملف', es: 'o un archivo', en: 'or a file' },
  'verify.submit': { fr: 'Vérifier', ar: 'تحقق', es: 'Verificar', en: 'Check' },
  'verify.result': { fr: 'Résultat', ar: 'النتيجة', es: 'Resultado', en: 'Result' },

  // Errors
  'error.title': { fr: 'Impossible de continuer', ar: 'تعذّرت المتابعة', es: 'No se puede continuar', en: 'This did not work' },
  'error.back': { fr: 'Revenir en arrière', ar: 'الرجوع', es: 'Volver', en: 'Go back' },
  'error.unknown-claim-code': { fr: 'Ce lien de réception n’existe pas. Vérifiez qu’il a été copié en entier.', ar: 'رابط الاستلام هذا غير موجود. تأكد من نسخه كاملاً.', es: 'Este enlace de recepción no existe. Compruebe que se copió entero.', en: 'This claim link does not exist. Check that it was copied in full.' },
  'error.claim-used': { fr: 'Ce lien a déjà servi. Si c’était vous, ouvrez votre portefeuille avec son lien.', ar: 'استُعمل هذا الرابط من قبل. إن كنت أنت، افتح محفظتك برابطها.', es: 'Este enlace ya se utilizó. Si fue usted, abra su cartera con su enlace.', en: 'This link has already been used. If that was you, open your wallet with its link.' },
  'error.claim-expired': { fr: 'Ce lien de réception a expiré. Demandez-en un nouveau à l’organisme qui a délivré l’attestation.', ar: 'انتهت صلاحية رابط الاستلام هذا. اطلب رابطاً جديداً من الجهة التي أصدرت الشهادة.', es: 'Este enlace de recepción caducó. Pida uno nuevo al organismo que emitió la credencial.', en: 'This claim link has expired. Ask the organisation that issued the credential for a new one.' },
  'error.unknown-wallet': { fr: 'Aucun portefeuille ne correspond à ce lien. Vérifiez qu’il a été copié en entier.', ar: 'لا توجد محفظة بهذا الرابط. تأكد من نسخه كاملاً.', es: 'Ninguna cartera corresponde a este enlace. Compruebe que se copió entero.', en: 'No wallet has this link. Check that it was copied in full.' },
  'error.wrong-passphrase': { fr: 'La phrase secrète ne correspond pas.', ar: 'عبارة المرور غير صحيحة.', es: 'La frase secreta no coincide.', en: 'The passphrase does not match.' },
  'error.too-many-attempts': { fr: 'Trop d’essais. Réessayez dans quelques minutes.', ar: 'محاولات كثيرة جداً. أعد المحاولة بعد بضع دقائق.', es: 'Demasiados intentos. Inténtelo de nuevo en unos minutos.', en: 'Too many attempts. Try again in a few minutes.' },
  'error.invalid-passphrase': { fr: 'La phrase secrète doit faire au moins 8 caractères.', ar: 'يجب أن تتكون عبارة المرور من 8 أحرف على الأقل.', es: 'La frase secreta debe tener al menos 8 caracteres.', en: 'The passphrase must be at least 8 characters long.' },
  'error.no-credentials-chosen': { fr: 'Choisissez au moins une attestation à partager.', ar: 'اختر شهادة واحدة على الأقل للمشاركة.', es: 'Elija al menos una credencial para compartir.', en: 'Choose at least one credential to share.' },
  'error.invalid-share-expiry': { fr: 'Un lien dure de 1 jour à 1 an.', ar: 'تتراوح مدة الرابط بين يوم واحد وسنة.', es: 'Un enlace dura de 1 día a 1 año.', en: 'A link lasts from 1 day to 1 year.' },
  'error.invalid-share-label': { fr: 'Le nom du lien fait au plus 100 caractères.', ar: 'لا يتجاوز اسم الرابط 100 حرف.', es: 'El nombre del enlace tiene como máximo 100 caracteres.', en: 'The link name is at most 100 characters.' },
  'error.unknown-wallet-credential': { fr: 'Cette attestation n’est pas (ou plus) dans ce portefeuille.', ar: 'هذه الشهادة ليست (أو لم تعد) في هذه المحفظة.', es: 'Esta credencial no está (o ya no está) en esta cartera.', en: 'This credential is not (or no longer) in this wallet.' },
  'error.unknown-share-link': { fr: 'Ce lien de partage n’existe pas. Vérifiez qu’il a été copié en entier.', ar: 'رابط المشاركة هذا غير موجود. تأكد من نسخه كاملاً.', es: 'Este enlace para compartir no existe. Compruebe que se copió entero.', en: 'This share link does not exist. Check that it was copied in full.' },
  'error.empty-credential': { fr: 'Collez une attestation ou choisissez un fichier.', ar: 'الصق شهادة أو اختر ملفاً.', es: 'Pegue una credencial o elija un archivo.', en: 'Paste a credential or choose a file.' },
  'error.unreadable-credential': { fr: 'Ce texte n’est ni un JSON ni un JWT lisible.', ar: 'هذا النص ليس JSON ولا JWT مقروءاً.', es: 'Este texto no es un JSON ni un JWT legible.', en: 'This text is neither readable JSON nor a JWT.' },
  'error.unknown-framework': { fr: 'Ce cadre de certification est inconnu.', ar: 'إطار المؤهلات هذا غير معروف.', es: 'Este marco de cualificaciones es desconocido.', en: 'This qualifications framework is unknown.' },
  'error.generic': { fr: 'La demande n’a pas pu être traitée.', ar: 'تعذّرت معالجة الطلب.', es: 'No se pudo procesar la solicitud.', en: 'The request could not be handled.' },
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof MESSAGES;

export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key);

/** The sentence in `lang`, with {placeholders} filled (values are escaped later, by the html template). */
export function translate(lang: PageLang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? isolateForLang(String(params[name]), lang) : whole));
}
