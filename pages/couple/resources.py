"""Help and resources: offline text only, no links fetched."""

import streamlit as st

from studio.ui import context

st.title("Help and resources")
st.write("Everything on this page works without the internet. Nothing here is recorded.")

st.header("If you are in danger right now")
st.write(
    "Call your local emergency number (for example 112 in Europe, 911 in North America, "
    "000 in Australia, 999 in the UK). If it isn't safe to talk, many emergency services "
    "accept text messages: ask them, or check when you can."
)
st.header("If you are afraid of your partner")
st.write(
    "Being afraid of your partner — of their anger, of being hurt, of what happens if you "
    "say no — is not a communication problem, and it is not your fault. Exercises for "
    "couples are not the right tool when one partner controls or frightens the other; "
    "they can even make things harder afterwards."
)
st.markdown(
    "- A **domestic-violence helpline** can listen in confidence and help you plan. Most "
    "countries have a free national line; search for *domestic violence helpline* and "
    "your country when it is safe to do so, or ask your doctor.\n"
    "- Signs to take seriously: being watched or checked on, money or phone controlled, "
    "being cut off from friends or family, threats, being pushed, hit or forced.\n"
    "- If someone might check this computer, use *Your data → Forget us* to delete "
    "everything here."
)
st.header("Finding a therapist")
st.write(
    "A licensed couples or family therapist can help with patterns that keep repeating. "
    "Look for a registered professional (psychologist, marriage and family therapist, "
    "counsellor) through your doctor, your health insurance, or your country's "
    "professional register. Many also work online."
)
st.header("When things get heated")
st.write(
    "If your heart is racing or you can't take in what the other says, stop for at least "
    "twenty minutes. Do something soothing, try not to rehearse the argument, and agree "
    "when you'll come back to it."
)
# On a projector the couple's link stays off the big screen (even in a link's address).
st.page_link(context.PAGES["welcome"], label="Back to the studio", icon=":material/arrow_back:",
             query_params=context.keep_params(c=None) if context.projector()
             else context.keep_params())
