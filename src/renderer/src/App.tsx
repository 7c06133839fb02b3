import { useEffect } from 'react'
import { JobAnnouncer } from './components/JobAnnouncer.js'
import { LinkBanner } from './components/LinkBanner.js'
import { ScreenErrorBoundary } from './components/ScreenErrorBoundary.js'
import { SourceName } from './components/SourceName.js'
import { ThemeFollower } from './components/ThemeFollower.js'
import { ThemePicker } from './components/ThemePicker.js'
import { BackupScreen } from './screens/BackupScreen.js'
import { CleanupScreen } from './screens/CleanupScreen.js'
import { DashboardScreen } from './screens/DashboardScreen.js'
import { JobsScreen } from './screens/JobsScreen.js'
import { OrganizeScreen } from './screens/OrganizeScreen.js'
import { PhotosScreen } from './screens/PhotosScreen.js'
import { SourcesScreen } from './screens/SourcesScreen.js'
import { startCompanionSync } from './stores/companionSync.js'
import { SCREENS, useNavigationStore, type Screen } from './stores/navigationStore.js'
import { useJobsStore } from './stores/jobsStore.js'
import { useSourcesStore } from './stores/sourcesStore.js'
import { isFinishedStatus } from '../../shared/jobs.js'
import { useFocusOnNavigate } from './useFocusOnNavigate.js'

const TITLES: Record<Screen, string> = {
  sources: 'Sources',
  dashboard: 'Dashboard',
  photos: 'Photos',
  backup: 'Backup',
  cleanup: 'Cleanup',
  organize: 'Organize',
  jobs: 'Jobs',
}

const SCREEN_VIEWS: Record<Screen, () => React.JSX.Element> = {
  sources: SourcesScreen,
  dashboard: DashboardScreen,
  photos: PhotosScreen,
  backup: BackupScreen,
  cleanup: CleanupScreen,
  organize: OrganizeScreen,
  jobs: JobsScreen,
}

function ActiveJobsBadge() {
  const active = useJobsStore(
    (state) => Object.values(state.jobs).filter((job) => !isFinishedStatus(job.status)).length,
  )
  return active > 0 ? (
    <span className="badge" aria-label={`${active} running`}>
      {active}
    </span>
  ) : null
}

export function App({ transport }: { transport: 'electron' | 'http' }) {
  const screen = useNavigationStore((state) => state.screen)
  const go = useNavigationStore((state) => state.go)
  const source = useSourcesStore((state) => state.selected)
  useEffect(() => startCompanionSync(), [])
  const View = SCREEN_VIEWS[screen]
  useFocusOnNavigate(screen)
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main-content"
        onClick={(event) => {
          event.preventDefault()
          document.getElementById('main-content')?.focus()
        }}
      >
        Skip to main content
      </a>
      <ThemeFollower />
      <JobAnnouncer />
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">CreatureBox Companion</div>
        <ul className="plain">
          {SCREENS.map((name) => (
            <li key={name}>
              <button
                type="button"
                className={name === screen ? 'nav-item active' : 'nav-item'}
                aria-current={name === screen ? 'page' : undefined}
                onClick={() => go(name)}
              >
                {TITLES[name]}
                {name === 'jobs' ? <ActiveJobsBadge /> : null}
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot muted">
          <div className="path" title={source}>
            <SourceName source={source} />
          </div>
          <ThemePicker />
          <div>{transport === 'http' ? 'Connected to serve' : 'Desktop app'}</div>
        </div>
      </nav>
      <main className="content" id="main-content" tabIndex={-1}>
        <LinkBanner />
        <ScreenErrorBoundary key={screen}>
          <View />
        </ScreenErrorBoundary>
      </main>
    </div>
  )
}
