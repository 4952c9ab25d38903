"""Computer-use / GUI tasks: web browsing, desktop apps, mobile apps."""

from __future__ import annotations

import random

from fragments.common import frame, maybe_lower

WEB = [
    "go to amazon.com and add the cheapest 27-inch 4K monitor with at least 4 stars to my cart",
    "book a table for two at an italian restaurant near union square on opentable for friday at 7pm",
    "find a round-trip flight from Boston to Denver leaving {date} on google flights and show me the cheapest nonstop",
    "log into the admin portal and change the status of order #{n} to shipped",
    "on github.com, star the repository {repo} and open its latest release page",
    "fill out the contact form on the website with my name, email and the message 'please call me back'",
    "open gmail and archive every email from newsletters@{site}",
    "search youtube for a beginner sourdough tutorial and play the first result that is under 15 minutes",
    "go to the reddit page r/{sub} and upvote the top post of the week",
    "in the shopping admin, find the best-selling product of {month} and tell me its SKU",
    "use the browser to check my bank's website and download last month's statement as PDF",
    "on the airline site, select an aisle seat for my booking ref {ref}",
    "create a new issue in the gitlab web UI titled 'Login button misaligned' and assign it to me",
    "open wikipedia and find the population of {city} in the infobox",
    "add a 5-star review for the blue hoodie on the store page saying it fits well",
    "subscribe to the newsletter at the bottom of the homepage with my work email",
    "change my profile picture on linkedin to the photo in my Downloads folder",
    "compare the prices of the two laptops in the open tabs and bookmark the cheaper one",
    "unsubscribe from all the marketing emails using the links in the inbox",
    "find the opening hours of the nearest pharmacy on google maps",
    "on the hotel booking site filter by free cancellation and sort by price, then pick the first one",
    "accept the cookie banner and then navigate to the pricing page",
]
DESKTOP = [
    "in LibreOffice Calc, make the header row bold and sort the table by column C descending",
    "open the presentation on the desktop and change the background of slide {n} to dark blue",
    "set my desktop wallpaper to the picture named beach.jpg in Pictures",
    "use GIMP to crop the screenshot to the dialog box and export it as png",
    "in the document, make every heading use the 'Heading 2' style and add a table of contents at the top",
    "turn on night light in the display settings",
    "open thunderbird and create a filter that moves mails from my boss to the 'Important' folder",
    "in VS Code, install the Prettier extension from the extensions sidebar and enable format on save in the settings UI",
    "drag the files from the Downloads window into the 'Invoices 2024' folder",
    "open the spreadsheet budget.xlsx and add a chart of monthly expenses next to the table",
    "change the default browser to firefox in system settings",
    "open VLC, load the video on the desktop and take a snapshot at 1:32",
    "in the Word document, replace all occurrences of 'Acme' with 'Globex' and highlight them yellow",
    "increase the font size of the terminal profile through the preferences window",
    "pin the calculator app to the taskbar",
    "in Excel, freeze the first row and apply a filter to all columns",
    "merge cells A1 to D1 in the sheet and center the title",
    "open the settings app and connect to the wifi network 'Office-5G'",
    "rename the slide titles so they are numbered 1 to {n}",
    "in chrome, clear browsing data for the last hour but keep passwords",
    "make the image in the open document 50% smaller and center it",
    "in the file manager, show hidden files and sort by date modified",
]
MOBILE = [
    "open the clock app and set an alarm for 6:30 am on weekdays",
    "in the contacts app, add a new contact named {name} with phone 555-0142",
    "send a whatsapp message to mom saying I'll be late",
    "turn on bluetooth and connect to my headphones",
    "open the camera app and switch to video mode",
    "in the calendar app create an event 'dentist' next tuesday at 10",
    "open settings and enable dark mode",
    "take a screenshot and share it to the team chat",
    "in the notes app, create a note called groceries with milk, eggs and bread",
    "open spotify and add the current song to my liked songs",
    "turn the phone's do not disturb on until 8am",
    "open the expense app and log a $12 lunch under food",
]
SCREEN = [
    "Click the blue 'Submit' button at the bottom of the page.",
    "Scroll down and open the third search result.",
    "Double-click the folder named Reports on the desktop.",
    "Press the gear icon in the top right corner and choose 'Account settings'.",
    "Right-click the file and select 'Open with > Text Editor'.",
    "Select all the text in the first paragraph and make it italic.",
    "In the dropdown labelled Country choose Canada, then click Next.",
    "Close all the popups on the screen and go back to the home page.",
    "Hover over the profile menu and click 'Sign out'.",
    "Tick the checkbox 'I agree to the terms' and press Continue.",
]


def _fill(rng: random.Random, s: str) -> str:
    return s.format(
        date=rng.choice(["June 3rd", "next monday", "the 14th", "March 9"]), n=rng.randint(2, 40),
        repo=rng.choice(["pallets/flask", "microsoft/vscode", "rust-lang/rust"]),
        site=rng.choice(["shopmart.com", "dailydeals.io", "newsbrief.co"]),
        sub=rng.choice(["python", "cooking", "homelab", "photography"]),
        month=rng.choice(["January", "Q2", "last month"]), ref=rng.choice(["XK4P9Q", "B7LM2C"]),
        city=rng.choice(["Lagos", "Osaka", "Porto", "Winnipeg"]), name=rng.choice(["Priya Nair", "Tom Becker", "Ana Ruiz"]),
    )


def generate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        text = frame(rng, _fill(rng, rng.choice(WEB)))
    elif kind < 0.75:
        text = frame(rng, _fill(rng, rng.choice(DESKTOP)))
    elif kind < 0.9:
        text = frame(rng, _fill(rng, rng.choice(MOBILE)))
    else:
        steps = rng.sample(SCREEN, rng.randint(1, 3))
        text = " ".join(steps) if rng.random() < 0.5 else "\n".join(f"{i + 1}. {s}" for i, s in enumerate(steps))
    if rng.random() < 0.15:
        text += " " + rng.choice(["You can see my screen.", "The browser is already open.",
                                  "I'm logged in already.", "Use the mouse, not the keyboard shortcuts.",
                                  "Take a screenshot when you're done."])
    return maybe_lower(rng, text, 0.2)


OFFICE = [
    "calculate the total of column D in cell D{n} and make it bold",
    "highlight every row where the status is 'Overdue' in light red",
    "sort the data by the date column, newest first, keeping the header in place",
    "insert page numbers at the bottom right of every page except the cover",
    "make the title font Times New Roman, 14pt, centered",
    "convert the report on the desktop to PDF and save it next to the original",
    "add a column called 'Margin' that is revenue minus cost, formatted as a percentage",
    "transpose the table on Sheet2 and paste it starting at A{n}",
    "change the line spacing of the whole document to 1.5",
    "remove the blank rows from the table",
    "create a pivot table of sales by region on a new sheet",
    "add speaker notes to slide {n} saying 'mention the Q3 numbers'",
    "apply the 'Two Content' layout to the second slide",
    "set the page orientation to landscape for the appendix only",
    "rename Sheet1 to 'Raw data' and hide the gridlines",
    "use conditional formatting to color scores above 90 green",
    "split the full name column into first and last name columns",
    "insert the company logo from Pictures into the header of the document",
    "turn the bullet list on slide {n} into a SmartArt-style diagram",
    "fill the empty cells in column B with the value above them",
    "add a hyperlink on the word 'pricing' that points to our pricing page",
    "export the current sheet as CSV with semicolons",
    "track changes in this document and accept all of Maria's edits",
]
FILES_GUI = [
    "move all the photos from last summer into a new folder called Summer on the desktop",
    "put the invoices from my email attachments into the Invoices folder in Google Drive",
    "rename the screenshots on my desktop so they start with the date they were taken",
    "empty the trash and restore the file report_final.docx first",
    "organise my Downloads: pdfs into Documents, images into Pictures",
    "find the presentation I edited yesterday and open it",
    "share the 'Budget 2024' folder with anna@company.com with view-only access",
    "upload the three newest images in Pictures to the shared album",
]
APPS = [
    "make Bing the default search engine in the browser",
    "clear the cookies for the airline website only",
    "install the uBlock Origin extension and pin it",
    "change the display resolution to 1920x1080",
    "set the screen to lock after 5 minutes of inactivity",
    "mute the system sound and set the microphone volume to 70%",
    "in the mail client, set up an auto-reply saying I'm on vacation until Monday",
    "add a new calendar event for the team lunch on Friday at noon and invite Sam",
    "play the playlist 'Focus' in the music player and turn on shuffle",
    "open the PDF of the contract and fill in my name and today's date in the signature fields",
    "set the video player to always show subtitles in English",
    "turn off automatic updates in the app store settings",
    "add a new printer and print a test page",
    "zoom the page to 150% and save the setting for this site",
    "change the keyboard layout to German and add a shortcut to switch",
    "in the photo editor, increase the brightness a bit and remove the red eye",
    "show me my order history on the store and request a return for the headphones",
    "post the photo from my desktop to our team's Slack channel with the caption 'launch day'",
    "search the web for the train times from Leeds to York tomorrow morning and screenshot the results",
    "pay the electricity bill through the bank's website using the saved card",
]


_generate_main = generate


def generate(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.22:
        text = frame(rng, _fill(rng, rng.choice(OFFICE)))
        if rng.random() < 0.3:
            text = rng.choice(["The spreadsheet is open. ", "In the open document: ", "On the slides: ",
                               "I've got the file open in LibreOffice. ", "Excel: "]) + text
        return maybe_lower(rng, text, 0.15)
    if r < 0.32:
        return maybe_lower(rng, frame(rng, rng.choice(FILES_GUI)), 0.15)
    if r < 0.5:
        return maybe_lower(rng, frame(rng, rng.choice(APPS)), 0.15)
    return _generate_main(rng)


PERSONAL = [
    "rotate my {media} so it is upright and save it",
    "make my {media} a bit sharper and save a copy as {name}_sharp",
    "compress the {media} on my desktop to under 5 MB",
    "back up all the emails in my inbox from {person} into a folder called {name}",
    "sort the records in my budget sheet by amount, largest first",
    "update my expense tracker with the receipts in the Receipts folder",
    "export my slides as a PDF handout with three slides per page",
    "convert the {doc} I was just editing to PDF and attach it to a new email to {person}",
    "put my vacation {media}s into an album called {name}",
    "crop my profile {media} to a square",
    "add the phone numbers from the {doc} to my contacts",
    "move the meeting invite from {person} to next Tuesday and notify the attendees",
    "make the chart in my report use the company colours",
    "print page 2 of the {doc} double-sided",
    "set the reminder for my dentist appointment to one day before",
    "find the email from {person} with the contract and save the attachment to Documents",
    "change the name on the title slide to {person}",
    "make a copy of my CV with the new phone number and save it as {name}",
    "turn the table in the {doc} into a bar chart",
    "play the {media} from where I left off and turn the volume down",
]


def _personal(rng: random.Random) -> str:
    task = rng.choice(PERSONAL).format(
        media=rng.choice(["photo", "picture", "video", "screenshot", "image"]),
        doc=rng.choice(["document", "spreadsheet", "report", "letter", "presentation", "invoice PDF"]),
        name=rng.choice(["summer", "final", "trip2024", "archive", "new"]),
        person=rng.choice(["Maria", "my manager", "the landlord", "Dr. Okafor", "Jens"]),
    )
    return maybe_lower(rng, frame(rng, task), 0.15)


_generate_main2 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return _personal(rng)
    return _generate_main2(rng)
