export function App() {
  return (
    <main>
      <h1>CreatureBox Companion</h1>
      <p>The desktop interface arrives with the app issue; the command line runs every storage job today.</p>
    </main>
  )
}
