"""Short news articles written for these tests (not corpus text): two sibling events of one kind
(two prison escapes, two earthquakes), each reported by two outlets, with names spelt differently."""

ESCAPE_NORWAY_A = (
    "Three inmates escaped from Halvorsen prison near Bergen on Sunday night, Norwegian police said. "
    "The men, serving sentences for armed robbery, cut through a fence behind the laundry block. "
    "Police chief Ingrid Solberg said roadblocks were set up on the E39 motorway. "
    "A guard was treated for minor injuries after the escape."
)
ESCAPE_NORWAY_B = (
    "Police in western Norway are hunting three prisoners who broke out of Halvorsen jail outside Bergen "
    "late on Sunday. Chief Ingrid Solberg told reporters the robbers cut a hole in the fence near the laundry. "
    "Checkpoints were set up along the E39, and one guard was slightly hurt."
)
ESCAPE_TEXAS_A = (
    "Two inmates escaped from the Cedar Ridge detention center in Amarillo, Texas, on Thursday by climbing "
    "through a ventilation shaft, the sheriff's office said. Sheriff Dale McAllister said both men were "
    "awaiting trial on drug charges. A helicopter joined the search along Interstate 40."
)
ESCAPE_TEXAS_B = (
    "A manhunt is under way in Amarillo after two prisoners crawled out of Cedar Ridge detention center "
    "through an air vent on Thursday. Sheriff Dale MacAllister said the pair faced drug trafficking charges. "
    "Officers and a helicopter are searching near Interstate 40."
)
QUAKE_PERU_A = (
    "A magnitude 6.4 earthquake struck southern Peru near Arequipa on Tuesday, damaging churches and "
    "cutting power to 15,000 homes. President Dina Boluarte said two people died."
)
QUAKE_PERU_B = (
    "Two people were killed when a 6.4-magnitude quake shook Arequipa in southern Peru on Tuesday. "
    "Power was cut to some 15,000 homes, and several colonial churches were damaged, Boluarte said."
)
BUDGET = (
    "The city council of Leeds approved a new budget for schools on Wednesday after a long debate. "
    "Teachers' unions welcomed the extra funding for classrooms and libraries."
)
