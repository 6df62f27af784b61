"""People of the demo data: name pools by region (with the time zones people there
live in), the clients who post projects and the staff moderator.

Names are paired within one region so that a display name reads like a real
person's; the region also gives the profile its IANA time zone. Nothing here is
random: ``marketplace.data.demo`` draws from these pools with a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    key: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    timezones: tuple[str, ...]
    weight: int = 1


REGIONS: tuple[Region, ...] = (
    Region(
        "nigeria",
        ("Chinedu", "Amara", "Tobi", "Ngozi", "Adaeze", "Oluwaseun", "Folake", "Emeka", "Ifeoma", "Tunde"),
        ("Okafor", "Adeyemi", "Eze", "Okonkwo", "Balogun", "Nwosu", "Adebayo", "Oyelaran", "Obi"),
        ("Africa/Lagos",),
        weight=2,
    ),
    Region(
        "ghana",
        ("Kwame", "Efua", "Yaw", "Kofi", "Abena", "Akosua", "Kwesi", "Ama"),
        ("Mensah", "Boateng", "Owusu", "Asante", "Danso", "Appiah", "Osei"),
        ("Africa/Accra",),
        weight=1,
    ),
    Region(
        "kenya",
        ("Wanjiru", "Otieno", "Amani", "Baraka", "Njeri", "Kiptoo", "Achieng", "Zawadi", "Imani"),
        ("Kamau", "Odhiambo", "Mwangi", "Wanjala", "Mutua", "Kiprono", "Njoroge", "Onyango"),
        ("Africa/Nairobi",),
        weight=2,
    ),
    Region(
        "south_africa",
        ("Thabo", "Lerato", "Sipho", "Naledi", "Kagiso", "Zanele", "Nomvula", "Bongani"),
        ("Nkosi", "Dlamini", "Mokoena", "Ndlovu", "Khumalo", "Mahlangu", "Zulu"),
        ("Africa/Johannesburg",),
        weight=1,
    ),
    Region(
        "india",
        ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Siddharth", "Neha", "Karthik"),
        ("Sharma", "Iyer", "Reddy", "Patel", "Nair", "Gupta", "Menon", "Rao", "Banerjee", "Krishnan", "Desai"),
        ("Asia/Kolkata",),
        weight=5,
    ),
    Region(
        "pakistan",
        ("Ahmed", "Ayesha", "Bilal", "Fatima", "Hamza", "Sana", "Usman", "Zara"),
        ("Khan", "Qureshi", "Siddiqui", "Chaudhry", "Malik", "Butt", "Sheikh"),
        ("Asia/Karachi",),
        weight=1,
    ),
    Region(
        "bangladesh",
        ("Tanvir", "Nusrat", "Rafiq", "Farhana", "Sabbir", "Tahmina"),
        ("Rahman", "Hossain", "Islam", "Chowdhury", "Akter", "Haque"),
        ("Asia/Dhaka",),
        weight=1,
    ),
    Region(
        "china",
        ("Wei", "Jing", "Hao", "Xin", "Yifan", "Mei", "Jun", "Lin", "Zihan", "Ting", "Ming"),
        ("Chen", "Wang", "Zhang", "Liu", "Huang", "Zhou", "Wu", "Xu", "Tan", "Lim", "Ong"),
        ("Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Hong_Kong"),
        weight=4,
    ),
    Region(
        "japan",
        ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura", "Kenji", "Yuki", "Daichi", "Hina"),
        ("Tanaka", "Sato", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Ito"),
        ("Asia/Tokyo",),
        weight=2,
    ),
    Region(
        "korea",
        ("Minjun", "Seoyeon", "Jiho", "Hana", "Dohyun", "Jisoo", "Hyunwoo", "Yuna"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"),
        ("Asia/Seoul",),
        weight=2,
    ),
    Region(
        "vietnam",
        ("Linh", "Minh", "Trang", "Huy", "Thao", "Quang", "Lan", "Duc"),
        ("Nguyen", "Tran", "Pham", "Hoang", "Vu", "Le", "Do"),
        ("Asia/Ho_Chi_Minh",),
        weight=2,
    ),
    Region(
        "indonesia",
        ("Putri", "Budi", "Dewi", "Rizky", "Ayu", "Fajar", "Sari", "Agus"),
        ("Santoso", "Wijaya", "Halim", "Saputra", "Kusuma", "Hidayat", "Pratama"),
        ("Asia/Jakarta",),
        weight=1,
    ),
    Region(
        "philippines",
        ("Andrea", "Paolo", "Bea", "Carlo", "Patricia", "Miguel", "Joanna", "Rafael"),
        ("Reyes", "Santos", "Cruz", "Bautista", "Mendoza", "Villanueva", "Aquino"),
        ("Asia/Manila",),
        weight=1,
    ),
    Region(
        "latin_america",
        ("Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía", "Sofía", "Joaquín", "Gabriela", "Andrés"),
        ("García", "Rodríguez", "Fernández", "López", "Martínez", "Gómez", "Herrera", "Castillo", "Vargas", "Morales"),
        (
            "America/Mexico_City",
            "America/Bogota",
            "America/Argentina/Buenos_Aires",
            "America/Santiago",
            "America/Lima",
            "America/Montevideo",
        ),
        weight=4,
    ),
    Region(
        "brazil",
        ("João", "Ana Clara", "Lucas", "Beatriz", "Rafael", "Larissa", "Thiago", "Fernanda", "Gustavo", "Juliana"),
        ("Silva", "Souza", "Oliveira", "Costa", "Pereira", "Almeida", "Carvalho", "Ribeiro", "Barbosa"),
        ("America/Sao_Paulo", "America/Recife"),
        weight=3,
    ),
    Region(
        "german",
        ("Lukas", "Lena", "Jonas", "Hannah", "Felix", "Mia", "Paul", "Clara", "Tobias", "Katharina"),
        ("Müller", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schulz", "Keller"),
        ("Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Berlin"),
        weight=4,
    ),
    Region(
        "french",
        ("Camille", "Louis", "Chloé", "Hugo", "Manon", "Théo", "Léa", "Antoine", "Margaux", "Baptiste"),
        ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefebvre", "Girard", "Roux", "Fontaine"),
        ("Europe/Paris", "Europe/Brussels", "America/Montreal"),
        weight=3,
    ),
    Region(
        "dutch",
        ("Daan", "Sanne", "Bram", "Femke", "Jesse", "Lotte", "Ruben", "Noor"),
        ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "de Boer", "Mulder", "Peeters"),
        ("Europe/Amsterdam", "Europe/Brussels"),
        weight=2,
    ),
    Region(
        "scandinavia",
        ("Lars", "Ingrid", "Mikkel", "Freja", "Emil", "Astrid", "Oskar", "Sigrid"),
        ("Andersen", "Lindqvist", "Johansson", "Halvorsen", "Berg", "Nielsen", "Dahl", "Larsen"),
        ("Europe/Stockholm", "Europe/Copenhagen", "Europe/Oslo"),
        weight=2,
    ),
    Region(
        "finland",
        ("Eero", "Aino", "Juho", "Elina", "Ville", "Sanna"),
        ("Nieminen", "Virtanen", "Korhonen", "Mäkinen", "Laine", "Heikkinen"),
        ("Europe/Helsinki",),
        weight=1,
    ),
    Region(
        "italy",
        ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Alessandro", "Sara"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
        ("Europe/Rome",),
        weight=2,
    ),
    Region(
        "spain",
        ("Pablo", "Lucía", "Javier", "Elena", "Álvaro", "Marta", "Sergio", "Irene"),
        ("Sánchez", "Navarro", "Ruiz", "Jiménez", "Moreno", "Ortega", "Castro"),
        ("Europe/Madrid",),
        weight=2,
    ),
    Region(
        "portugal",
        ("Inês", "Tiago", "Rita", "Duarte", "Mariana", "Rui"),
        ("Ferreira", "Santos", "Rodrigues", "Gonçalves", "Marques", "Sousa"),
        ("Europe/Lisbon",),
        weight=1,
    ),
    Region(
        "greece",
        ("Nikos", "Eleni", "Giorgos", "Katerina", "Dimitris", "Sofia"),
        ("Papadopoulos", "Georgiou", "Dimitriou", "Pappas", "Nikolaidis", "Vlachos"),
        ("Europe/Athens",),
        weight=1,
    ),
    Region(
        "poland",
        ("Piotr", "Agnieszka", "Kacper", "Zofia", "Michał", "Katarzyna", "Tomasz", "Magda"),
        ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Kaczmarek", "Pawlak"),
        ("Europe/Warsaw",),
        weight=2,
    ),
    Region(
        "ukraine",
        ("Oleksandr", "Olena", "Dmytro", "Iryna", "Andrii", "Kateryna", "Taras", "Yulia"),
        ("Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko"),
        ("Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin"),
        weight=2,
    ),
    Region(
        "romania",
        ("Andrei", "Ioana", "Mihai", "Elena", "Radu", "Cristina"),
        ("Popescu", "Ionescu", "Dumitru", "Stan", "Constantin", "Marin"),
        ("Europe/Bucharest",),
        weight=1,
    ),
    Region(
        "balkans",
        ("Luka", "Ana", "Marko", "Jelena", "Nikola", "Milica", "Ivan", "Maja"),
        ("Petrović", "Jovanović", "Horvat", "Kovačević", "Babić", "Nikolić", "Marić"),
        ("Europe/Belgrade", "Europe/Zagreb", "Europe/Ljubljana"),
        weight=1,
    ),
    Region(
        "arab_world",
        ("Omar", "Layla", "Yousef", "Nour", "Karim", "Rania", "Hassan", "Salma"),
        ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Aziz", "Hamdan"),
        ("Asia/Dubai", "Asia/Amman", "Africa/Cairo", "Asia/Beirut", "Asia/Riyadh"),
        weight=2,
    ),
    Region(
        "turkey",
        ("Emre", "Elif", "Can", "Zeynep", "Mert", "Ayşe", "Burak", "Defne"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk"),
        ("Europe/Istanbul",),
        weight=1,
    ),
    Region(
        "iran",
        ("Arash", "Shirin", "Dariush", "Parisa", "Kaveh", "Niloufar"),
        ("Rahimi", "Tehrani", "Karimi", "Hosseini", "Moradi", "Jafari"),
        ("Asia/Tehran", "Europe/Berlin", "America/Toronto"),
        weight=1,
    ),
    Region(
        "israel",
        ("Noa", "Itai", "Yael", "Omer", "Tamar", "Eitan"),
        ("Cohen", "Levi", "Mizrahi", "Friedman", "Peretz", "Shapiro"),
        ("Asia/Jerusalem",),
        weight=1,
    ),
    Region(
        "anglosphere",
        ("Emily", "James", "Olivia", "Ethan", "Grace", "Noah", "Sophie", "Liam", "Chloe", "Jack", "Maya", "Owen"),
        ("Thompson", "Walker", "Bennett", "Hughes", "Campbell", "Murphy", "Reid", "Carter", "Sullivan", "Foster"),
        (
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "America/Denver",
            "America/Toronto",
            "America/Vancouver",
            "Europe/London",
            "Europe/Dublin",
            "Australia/Sydney",
            "Australia/Melbourne",
            "Pacific/Auckland",
        ),
        weight=7,
    ),
)


@dataclass(frozen=True)
class Client:
    """Someone who posts projects. ``key`` is the stable seed of the wallet address."""

    key: str
    display_name: str
    organization: str
    about: str
    timezone: str


CLIENTS: tuple[Client, ...] = (
    Client(
        "helix-health",
        "Dr. Ingrid Halvorsen",
        "Helix Health Consortium",
        "Helix Health is a consortium of eleven Nordic and Baltic hospitals that pool research "
        "without pooling patient records.",
        "Europe/Oslo",
    ),
    Client(
        "subnet-forge",
        "Marcus Whitfield",
        "SubnetForge",
        "SubnetForge builds and operates Bittensor subnets; we run validators on six of them.",
        "America/New_York",
    ),
    Client(
        "tensor-collective",
        "Priya Raghunathan",
        "Tensor Collective",
        "Tensor Collective is a mining pool of independent GPU owners on Bittensor.",
        "Asia/Kolkata",
    ),
    Client(
        "proofworks",
        "Tomasz Zieliński",
        "ProofWorks Labs",
        "ProofWorks Labs builds verifiable-inference tooling for lending and insurance protocols.",
        "Europe/Warsaw",
    ),
    Client(
        "akashic",
        "Renata Alves",
        "Akashic Compute",
        "Akashic Compute is an Akash provider with 96 GPUs in two data centres in São Paulo and Lisbon.",
        "America/Sao_Paulo",
    ),
    Client(
        "interplanetary-chat",
        "Kai Nakamura",
        "Interplanetary Chat",
        "Interplanetary Chat is an open-source assistant that anyone can host: front end on IPFS, "
        "models on community GPUs.",
        "Asia/Tokyo",
    ),
    Client(
        "verity-oracle",
        "Samuel Osei",
        "Verity Oracle Network",
        "Verity is an oracle network that brings model outputs on chain with staking and slashing.",
        "Africa/Accra",
    ),
    Client(
        "open-data-dao",
        "Lucía Fernández",
        "OpenVoice Data DAO",
        "OpenVoice is a data DAO that collects and licenses speech data in under-served languages.",
        "America/Bogota",
    ),
    Client(
        "agora-agents",
        "Nathan Brooks",
        "Agora Agents",
        "Agora Agents makes autonomous agents that manage DAO treasuries and operations.",
        "America/Los_Angeles",
    ),
    Client(
        "polymodel",
        "Aiko Fujimoto",
        "PolyModel Foundation",
        "The PolyModel Foundation stewards an on-chain registry of open models on a Substrate chain.",
        "Asia/Tokyo",
    ),
    Client(
        "meridian-research",
        "Dr. Amira Benali",
        "Meridian Research Group",
        "Meridian is a small independent research group studying incentives in decentralized AI networks.",
        "Europe/Paris",
    ),
    Client(
        "gridlock-games",
        "Jonas Eriksson",
        "Gridlock Games",
        "Gridlock Games makes on-chain strategy games with AI opponents.",
        "Europe/Stockholm",
    ),
    Client(
        "terrascope",
        "Daniela Ríos",
        "TerraScope",
        "TerraScope sells high-resolution agricultural satellite imagery to researchers and insurers.",
        "America/Santiago",
    ),
    Client(
        "lexlingua",
        "Beatriz Monteiro",
        "LexLingua",
        "LexLingua builds legal-language models for Portuguese-speaking law firms.",
        "Europe/Lisbon",
    ),
    Client(
        "cortex-credit",
        "Kwabena Asare",
        "Cortex Credit",
        "Cortex Credit runs under-collateralised lending pools for small businesses in West Africa.",
        "Africa/Accra",
    ),
    Client(
        "swarmnet",
        "Viktor Lindgren",
        "SwarmNet",
        "SwarmNet is a peer-to-peer network that serves large models by splitting them across volunteer GPUs.",
        "Europe/Helsinki",
    ),
    Client(
        "fieldnotes",
        "Hannah Okoro",
        "FieldNotes AI",
        "FieldNotes AI helps agronomists ask questions of research papers and field reports.",
        "Africa/Lagos",
    ),
    Client(
        "quanta-dao",
        "Mei Lin Tan",
        "Quanta DAO",
        "Quanta DAO funds open research and tooling for decentralized machine learning.",
        "Asia/Singapore",
    ),
    Client(
        "nodeharbor",
        "Carlos Mendoza",
        "NodeHarbor",
        "NodeHarbor runs managed infrastructure for validator operators on several networks.",
        "America/Mexico_City",
    ),
    Client(
        "sentinel-audits",
        "Rachel Goldberg",
        "Sentinel Security",
        "Sentinel Security reviews smart contracts and AI agents for protocols before launch.",
        "America/Toronto",
    ),
    Client(
        "pixelmint",
        "Luca Bianchi",
        "PixelMint Studio",
        "PixelMint is a generative-art studio that renders on decentralized GPUs.",
        "Europe/Rome",
    ),
    Client(
        "kairos-labs",
        "Siddharth Menon",
        "Kairos Labs",
        "Kairos Labs builds forecasting markets and models for energy and commodity prices.",
        "Asia/Kolkata",
    ),
    Client(
        "ledgerleaf",
        "Olivia Chen",
        "LedgerLeaf",
        "LedgerLeaf builds developer tools and documentation for teams shipping on decentralized AI networks.",
        "America/Vancouver",
    ),
    Client(
        "atlas-fl",
        "Dr. Jakob Weber",
        "Atlas Federated",
        "Atlas Federated builds privacy-preserving analytics for credit unions and co-operative banks.",
        "Europe/Berlin",
    ),
    Client(
        "commonweights",
        "Fatima Al-Sayed",
        "CommonWeights",
        "CommonWeights trains open models on pooled, volunteered compute and publishes everything.",
        "Asia/Dubai",
    ),
    Client(
        "bytebridge",
        "Minh Anh Pham",
        "ByteBridge",
        "ByteBridge builds cross-chain payment rails for machine-to-machine commerce.",
        "Asia/Ho_Chi_Minh",
    ),
)

MODERATOR_KEY = "moderator"
MODERATOR_NAME = "Elif Arslan"
