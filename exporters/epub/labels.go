package epub

import "strings"

// labels are the words the catalogue itself writes (headings, tombstone
// field names), in one language. Lang is the language they are written in:
// when the book's language has no labels here, English ones are used and
// every element holding one is marked lang="en", so that screen readers
// pronounce them correctly.
type labels struct {
	Lang          string
	Contents      string
	Landmarks     string
	Cover         string
	TitlePage     string
	Introduction  string
	ListOfPlates  string
	Colophon      string
	Plate         string
	Number        string
	Caption       string
	Date          string
	Creator       string
	Place         string
	Medium        string
	Dimensions    string
	Credit        string
	Rights        string
	Note          string
	NoImage       string
	Publisher     string
	Credits       string
	Identifier    string
	Edition       string
	Source        string
	Retrieved     string
	MadeWith      string
	Reproduction  string
	Exhibition    string
	PlatesInGroup string
	// CoverOf is the alt text of a cover composed from plates ("%s" is
	// the list of plate numbers); ImageOf names one image of a plate
	// whose images have no labels ("%d", "%d": image i of n); OnEveryPlate
	// heads what the colophon says once for every plate.
	CoverOf      string
	ImageOf      string
	OnEveryPlate string
	// Months are the names of the months as a date says them ("9 May"),
	// DayMonth how a day and a month are written ("%d %s"), MonthYear how
	// a month and its year ("%s %d"); empty Months means numeric dates
	// (Korean: 2025. 5. 9.).
	Months    []string
	DayMonth  string
	MonthYear string
	Roles     map[string]string
}

var allLabels = map[string]labels{
	"en": {
		Lang: "en", Contents: "Contents", Landmarks: "Landmarks", Cover: "Cover",
		TitlePage: "Title page", Introduction: "Introduction", ListOfPlates: "List of plates",
		Colophon: "Colophon", Plate: "Plate", Number: "Number", Caption: "Caption", Date: "Date",
		Creator: "Creator", Place: "Place", Medium: "Medium", Dimensions: "Dimensions",
		Credit: "Credit", Rights: "Rights", Note: "Note",
		NoImage:   "No image of this plate is included; its caption is given as recorded.",
		Publisher: "Publisher", Credits: "Credits", Identifier: "Identifier", Edition: "Edition",
		Source: "Source", Retrieved: "retrieved", MadeWith: "Made with",
		Reproduction:  "Captions and dates are reproduced as written in the source, without correction; where the source is damaged or cut short, a note on the plate says so.",
		Exhibition:    "Exhibition",
		PlatesInGroup: "Plates in this section",
		CoverOf:       "Cover: details of plates %s", ImageOf: "image %d of %d", OnEveryPlate: "On every plate",
		Months:   []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		DayMonth: "%d %s", MonthYear: "%s %d",
		Roles: map[string]string{
			"curator": "Curator", "photographer": "Photographer", "author": "Author",
			"editor": "Editor", "publisher": "Publisher", "provider": "Provider",
			"lender": "Lender", "contributor": "Contributor", "translator": "Translator",
			"designer": "Designer",
		},
	},
	"ko": {
		Lang: "ko", Contents: "차례", Landmarks: "주요 위치", Cover: "표지",
		TitlePage: "속표지", Introduction: "서문", ListOfPlates: "도판 목록",
		Colophon: "판권", Plate: "도판", Number: "번호", Caption: "설명", Date: "연대",
		Creator: "작가", Place: "장소", Medium: "재료", Dimensions: "크기",
		Credit: "출처", Rights: "권리", Note: "참고",
		NoImage:   "이 도판의 이미지는 수록되지 않았으며, 설명은 기록된 그대로 싣는다.",
		Publisher: "발행처", Credits: "만든 이", Identifier: "식별자", Edition: "발행일",
		Source: "원문", Retrieved: "수집일", MadeWith: "제작 도구",
		Reproduction:  "설명과 연대는 원문에 적힌 그대로 싣고 고치지 않았다. 원문이 손상되었거나 잘린 경우 해당 도판에 참고 사항으로 밝혀 두었다.",
		Exhibition:    "전시",
		PlatesInGroup: "이 부의 도판",
		CoverOf:       "표지: 도판 %s의 부분", ImageOf: "이미지 %d/%d", OnEveryPlate: "모든 도판에 해당하는 사항",
		Roles: map[string]string{
			"curator": "큐레이터", "photographer": "사진", "author": "글",
			"editor": "편집", "publisher": "발행처", "provider": "제공",
			"lender": "대여", "contributor": "도움", "translator": "번역",
			"designer": "디자인",
		},
	},
	"fr": {
		Lang: "fr", Contents: "Table des matières", Landmarks: "Repères", Cover: "Couverture",
		TitlePage: "Page de titre", Introduction: "Introduction", ListOfPlates: "Liste des planches",
		Colophon: "Colophon", Plate: "Planche", Number: "Numéro", Caption: "Légende", Date: "Date",
		Creator: "Auteur", Place: "Lieu", Medium: "Technique", Dimensions: "Dimensions",
		Credit: "Crédit", Rights: "Droits", Note: "Note",
		NoImage:   "Aucune image de cette planche n’est incluse ; sa légende est donnée telle qu’elle a été enregistrée.",
		Publisher: "Éditeur", Credits: "Crédits", Identifier: "Identifiant", Edition: "Édition",
		Source: "Source", Retrieved: "consulté le", MadeWith: "Réalisé avec",
		Reproduction:  "Les légendes et les dates sont reproduites telles qu’elles figurent dans la source, sans correction ; lorsque la source est endommagée ou tronquée, une note sur la planche le signale.",
		Exhibition:    "Exposition",
		PlatesInGroup: "Planches de cette section",
		CoverOf:       "Couverture : détails des planches %s", ImageOf: "image %d sur %d", OnEveryPlate: "Pour toutes les planches",
		Months:   []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		DayMonth: "%d %s", MonthYear: "%s %d",
		Roles: map[string]string{
			"curator": "Commissariat", "photographer": "Photographie", "author": "Texte",
			"editor": "Direction d’ouvrage", "publisher": "Édition", "provider": "Mise à disposition",
			"lender": "Prêt", "contributor": "Contribution", "translator": "Traduction",
			"designer": "Conception graphique",
		},
	},
	"de": {
		Lang: "de", Contents: "Inhalt", Landmarks: "Orientierungspunkte", Cover: "Umschlag",
		TitlePage: "Titelseite", Introduction: "Einführung", ListOfPlates: "Tafelverzeichnis",
		Colophon: "Impressum", Plate: "Tafel", Number: "Nummer", Caption: "Bildunterschrift", Date: "Datierung",
		Creator: "Urheber", Place: "Ort", Medium: "Technik", Dimensions: "Maße",
		Credit: "Nachweis", Rights: "Rechte", Note: "Anmerkung",
		NoImage:   "Von dieser Tafel ist kein Bild enthalten; die Bildunterschrift ist so wiedergegeben, wie sie verzeichnet ist.",
		Publisher: "Herausgeber", Credits: "Mitwirkende", Identifier: "Kennung", Edition: "Ausgabe",
		Source: "Quelle", Retrieved: "abgerufen am", MadeWith: "Erstellt mit",
		Reproduction:  "Bildunterschriften und Datierungen sind so wiedergegeben, wie sie in der Quelle stehen, ohne Korrektur; wo die Quelle beschädigt oder gekürzt ist, vermerkt dies eine Anmerkung bei der Tafel.",
		Exhibition:    "Ausstellung",
		PlatesInGroup: "Tafeln dieses Abschnitts",
		CoverOf:       "Umschlag: Details der Tafeln %s", ImageOf: "Bild %d von %d", OnEveryPlate: "Für alle Tafeln",
		Months:   []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		DayMonth: "%d. %s", MonthYear: "%s %d",
		Roles: map[string]string{
			"curator": "Kuratierung", "photographer": "Fotografie", "author": "Text",
			"editor": "Redaktion", "publisher": "Herausgabe", "provider": "Bereitstellung",
			"lender": "Leihgabe", "contributor": "Mitwirkung", "translator": "Übersetzung",
			"designer": "Gestaltung",
		},
	},
	"es": {
		Lang: "es", Contents: "Índice", Landmarks: "Puntos de referencia", Cover: "Cubierta",
		TitlePage: "Portada", Introduction: "Introducción", ListOfPlates: "Lista de láminas",
		Colophon: "Colofón", Plate: "Lámina", Number: "Número", Caption: "Leyenda", Date: "Fecha",
		Creator: "Autor", Place: "Lugar", Medium: "Técnica", Dimensions: "Dimensiones",
		Credit: "Crédito", Rights: "Derechos", Note: "Nota",
		NoImage:   "No se incluye ninguna imagen de esta lámina; su leyenda se reproduce tal como fue registrada.",
		Publisher: "Editorial", Credits: "Créditos", Identifier: "Identificador", Edition: "Edición",
		Source: "Fuente", Retrieved: "consultado el", MadeWith: "Hecho con",
		Reproduction:  "Las leyendas y las fechas se reproducen tal como aparecen en la fuente, sin corrección; cuando la fuente está dañada o incompleta, una nota en la lámina lo indica.",
		Exhibition:    "Exposición",
		PlatesInGroup: "Láminas de esta sección",
		CoverOf:       "Cubierta: detalles de las láminas %s", ImageOf: "imagen %d de %d", OnEveryPlate: "Para todas las láminas",
		Months:   []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		DayMonth: "%d de %s", MonthYear: "%s de %d",
		Roles: map[string]string{
			"curator": "Comisariado", "photographer": "Fotografía", "author": "Texto",
			"editor": "Edición", "publisher": "Editorial", "provider": "Cesión",
			"lender": "Préstamo", "contributor": "Colaboración", "translator": "Traducción",
			"designer": "Diseño",
		},
	},
	"ar": {
		Lang: "ar", Contents: "المحتويات", Landmarks: "معالم الكتاب", Cover: "الغلاف",
		TitlePage: "صفحة العنوان", Introduction: "مقدمة", ListOfPlates: "قائمة اللوحات",
		Colophon: "بيانات النشر", Plate: "لوحة", Number: "الرقم", Caption: "التعليق", Date: "التاريخ",
		Creator: "المُنشئ", Place: "المكان", Medium: "الخامة", Dimensions: "الأبعاد",
		Credit: "الإسناد", Rights: "الحقوق", Note: "ملاحظة",
		NoImage:   "لا تتضمن هذه اللوحة صورة؛ ويُورَد تعليقها كما سُجِّل.",
		Publisher: "الناشر", Credits: "المساهمون", Identifier: "المعرّف", Edition: "تاريخ الطبعة",
		Source: "المصدر", Retrieved: "استُرجع في", MadeWith: "أُنتج باستخدام",
		Reproduction:  "تُنقل التعليقات والتواريخ كما وردت في المصدر دون تصحيح؛ وحيثما كان المصدر تالفًا أو مبتورًا، تشير ملاحظة على اللوحة إلى ذلك.",
		Exhibition:    "المعرض",
		PlatesInGroup: "لوحات هذا القسم",
		CoverOf:       "الغلاف: تفاصيل من اللوحات %s", ImageOf: "الصورة %d من %d", OnEveryPlate: "ما يخص جميع اللوحات",
		Months:   []string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		DayMonth: "%d %s", MonthYear: "%s %d",
		Roles: map[string]string{
			"curator": "القيّم", "photographer": "التصوير", "author": "النص",
			"editor": "التحرير", "publisher": "الناشر", "provider": "المزوّد",
			"lender": "الإعارة", "contributor": "المساهمة", "translator": "الترجمة",
			"designer": "التصميم",
		},
	},
}

// labelsFor returns the labels for a BCP 47 tag, matching on its primary
// language subtag, falling back to English.
func labelsFor(lang string) labels {
	primary := strings.ToLower(strings.SplitN(lang, "-", 2)[0])
	if l, ok := allLabels[primary]; ok {
		return l
	}
	return allLabels["en"]
}

// role returns the name of a role in these labels, or the role itself.
func (l labels) role(r string) string {
	if s, ok := l.Roles[r]; ok {
		return s
	}
	return r
}
